/** A validated meter reading as the core sees it. Times are epoch milliseconds. */
export interface Reading {
  meterId: string;
  /** When the meter took the reading (event time). */
  ts: number;
  /** The meter's cumulative register, litres. */
  totalLiters: number;
  /** When the reading reached us; later than `ts` for batched (NB-IoT) meters. */
  receivedAt: number;
  seq?: number;
  flowLpm?: number;
  battery?: number;
}

export interface MeterStatus {
  meterId: string;
  ts: number;
  receivedAt: number;
  battery?: number;
  tamper?: boolean;
  valveClosed?: boolean;
}

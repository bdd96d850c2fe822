// Each provider's documented length and variable limits, for the template renderer (src/notify/templates)
// to respect before a message reaches a channel. Counting rule shared by both SMS providers: every Chinese
// character, letter, digit, punctuation mark (full- or half-width) and space counts as ONE character.

export const TENCENT_SMS_LIMITS = {
  /** "短信总长度（含签名和变量的实际取值）最长不超过500字" — 正文模板审核标准, https://www.tencentcloud.com/zh/document/product/382/40659. */
  totalChars: 500,
  /** "个人认证用户创建的短信正文模板每个变量取值最多支持12个字。企业认证用户没有变量取值长度限制。" (same page). */
  perVariableCharsIndividual: 12,
  perVariableCharsEnterprise: Infinity,
  /** Verification-code templates only: "模板变量的实际内容仅支持0 - 6位（包括6位）纯数字" (same page). */
  verificationCodeDigits: 6,
  /** Variables must not carry links, not even short links (same page). */
  variablesMayContainLinks: false,
  /** SendSms SessionContext: "注意长度需小于512字节" — https://cloud.tencent.com/document/api/382/55981. */
  sessionContextMaxBytes: 511,
  /** SendSms PhoneNumberSet: "单次请求最多支持200个手机号" (same API page). */
  maxNumbersPerRequest: 200,
  /** Billing segments (国内短信): up to 70 characters is one message; longer ones are split into 67-character parts. */
  singleSegmentChars: 70,
  longSegmentChars: 67,
} as const;

export const ALIYUN_SMS_LIMITS = {
  /** "短信内容长度（字数）=短信签名字数+短信模板内容字数…不超过为500字" — https://help.aliyun.com/knowledge_detail/44335.html. */
  totalChars: 500,
  /** Default per-variable limit for notification templates: 1–35 characters ("默认的 35 字符上限", https://help.aliyun.com/zh/document_detail/3041859.html). */
  perVariableChars: 35,
  /** Verification-code variables: 4–6 characters. */
  verificationCodeChars: { min: 4, max: 6 },
  /** "不超过70个字，按照一条短信计费；超过70个字…按照67字/条拆分" (44335). */
  singleSegmentChars: 70,
  longSegmentChars: 67,
  /** SendSms OutId: "外部流水扩展字段，长度小于 256 的字符串" — https://help.aliyun.com/document_detail/55284.html. */
  outIdMaxChars: 255,
} as const;

export const TENCENT_VMS_LIMITS = {
  /** SendTtsVoice: "语音消息的内容长度不超过350字" — https://cloud.tencent.com/document/api/1128/51558. */
  contentChars: 350,
  /** "播放次数，可选，最多3次，默认2次" (same page). */
  maxPlayTimes: 3,
  defaultPlayTimes: 2,
} as const;

export const WECOM_ROBOT_LIMITS = {
  /** "markdown内容，最长不超过4096个字节，必须是utf8编码" — 群机器人配置说明, https://developer.work.weixin.qq.com/document/path/91770. */
  markdownMaxBytes: 4096,
  textMaxBytes: 2048,
  /** "每个机器人发送的消息不能超过20条/分钟" (same page). */
  messagesPerMinute: 20,
} as const;

export const WECHAT_TEMPLATE_LIMITS = {
  /**
   * Template data value limits by keyword type (类目模板消息 参数值内容限制说明,
   * https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Template_Message_Interface.html):
   * thing 20 characters; character_string 32 digits/letters/symbols, no Chinese; phrase 5 Chinese characters;
   * time a 24-hour time; phone_number 17 characters.
   */
  thingChars: 20,
  characterStringChars: 32,
  phraseChars: 5,
  phoneNumberChars: 17,
  /** client_msg_id "防重码限制64字节" (45067 "clientmsgid size out of limit" above that). */
  clientMsgIdMaxBytes: 64,
} as const;

/** Characters as the SMS providers count them (code points, so an emoji is one, as the carriers bill it). */
export function smsChars(text: string): number {
  return [...text].length;
}

/** Billing segments for a mainland SMS of this length (both providers use 70 / 67). */
export function smsSegments(text: string): number {
  const n = smsChars(text);
  return n <= 70 ? 1 : Math.ceil(n / 67);
}

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

// The signers against the providers' PUBLISHED worked examples (expected values copied from the docs,
// never produced by this code).
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { tc3CanonicalRequest, tc3StringToSign, tc3Signature, tc3Authorization, signTc3, parseTc3Authorization } from '../../../src/notify/sign/tc3.ts';
import { acs3CanonicalRequest, acs3Signature, acs3Encode, signAcs3, parseAcs3Authorization, acs3Date } from '../../../src/notify/sign/acs3.ts';

describe('Tencent TC3-HMAC-SHA256: the "Signature v3" worked example (CVM DescribeInstances, X-TC-Timestamp 1551113065)', () => {
  // Source: Tencent Cloud "签名方法 v3 / Signature v3" (https://cloud.tencent.com/document/api/362/4208,
  // https://www.tencentcloud.com/document/product/1154/48911): SecretId AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE,
  // SecretKey Gu5t9xGARNpq86cd98joQYCN3EXAMPLE, POST https://cvm.tencentcloudapi.com, this exact body.
  const payload = '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}';
  const headers = { 'content-type': 'application/json; charset=utf-8', host: 'cvm.tencentcloudapi.com' };
  const ts = 1551113065;

  it('step 1: HashedRequestPayload and the CanonicalRequest, byte for byte', () => {
    const r = tc3CanonicalRequest({ method: 'POST', headers, payload });
    expect(r.hashedPayload).toBe('35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064');
    expect(r.signedHeaders).toBe('content-type;host');
    expect(r.canonicalRequest).toBe(
      'POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\ncontent-type;host\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064',
    );
  });

  it('step 2: StringToSign (UTC date 2019-02-25, not the UTC+8 2019-02-26) and its HashedCanonicalRequest', () => {
    const { canonicalRequest } = tc3CanonicalRequest({ method: 'POST', headers, payload });
    expect(tc3StringToSign(ts, 'cvm', canonicalRequest)).toBe(
      'TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031',
    );
  });

  it('steps 3-4: the published Signature and Authorization', () => {
    const { canonicalRequest, signedHeaders } = tc3CanonicalRequest({ method: 'POST', headers, payload });
    const sig = tc3Signature('Gu5t9xGARNpq86cd98joQYCN3EXAMPLE', ts, 'cvm', tc3StringToSign(ts, 'cvm', canonicalRequest));
    expect(sig).toBe('72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168');
    expect(tc3Authorization('AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE', ts, 'cvm', signedHeaders, sig)).toBe(
      'TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168',
    );
  });

  it('signTc3 signs the action header too (lower-cased value), and its Authorization parses back', () => {
    const h = signTc3({ secretId: 'AKIDx', secretKey: 'k', service: 'sms', host: 'sms.tencentcloudapi.com', action: 'SendSms', version: '2021-01-11', region: 'ap-guangzhou', timestampSec: ts, payload: '{}' });
    const parsed = parseTc3Authorization(h.Authorization!);
    expect(parsed).toMatchObject({ secretId: 'AKIDx', date: '2019-02-25', service: 'sms', signedHeaders: ['content-type', 'host', 'x-tc-action'] });
    const { canonicalRequest } = tc3CanonicalRequest({ method: 'POST', headers: { 'content-type': h['Content-Type']!, host: h.Host!, 'x-tc-action': 'SendSms' }, payload: '{}' });
    expect(canonicalRequest).toContain('\nx-tc-action:sendsms\n');
    expect(h['X-TC-Timestamp']).toBe('1551113065');
    expect(h['X-TC-Region']).toBe('ap-guangzhou');
  });
});

describe('Alibaba ACS3-HMAC-SHA256: the "V3版本请求体&签名机制" worked example (ECS RunInstances)', () => {
  // Source: https://help.aliyun.com/zh/sdk/product-overview/v3-request-structure-and-signature (签名示例:
  // AccessKeyId YourAccessKeyId, AccessKeySecret YourAccessKeySecret, x-acs-date 2023-10-26T10:22:32Z,
  // nonce 3156853299f313e23d1673dc12e1703d, POST https://ecs.cn-shanghai.aliyuncs.com/?ImageId=…&RegionId=cn-shanghai, no body).
  const emptySha = createHash('sha256').update('').digest('hex');
  const headers = {
    host: 'ecs.cn-shanghai.aliyuncs.com',
    'x-acs-action': 'RunInstances',
    'x-acs-content-sha256': emptySha,
    'x-acs-date': '2023-10-26T10:22:32Z',
    'x-acs-signature-nonce': '3156853299f313e23d1673dc12e1703d',
    'x-acs-version': '2014-05-26',
  };
  const query = { RegionId: 'cn-shanghai', ImageId: 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd' };

  it('the empty-body hash the doc prints', () => {
    expect(emptySha).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('CanonicalRequest → HashedCanonicalRequest 7ea06492… and Signature 06563a9e…', () => {
    const { canonicalRequest, signedHeaders } = acs3CanonicalRequest({ method: 'POST', query, headers, hashedPayload: emptySha });
    expect(canonicalRequest.split('\n').slice(0, 3)).toEqual(['POST', '/', 'ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai']);
    expect(signedHeaders).toBe('host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version');
    expect(createHash('sha256').update(canonicalRequest).digest('hex')).toBe('7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259');
    expect(acs3Signature('YourAccessKeySecret', canonicalRequest)).toBe('06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0');
  });

  it('signAcs3 builds the published Authorization header', () => {
    const h = signAcs3({ accessKeyId: 'YourAccessKeyId', accessKeySecret: 'YourAccessKeySecret', method: 'POST', host: headers.host, action: 'RunInstances', version: '2014-05-26', query, body: '', date: '2023-10-26T10:22:32Z', nonce: '3156853299f313e23d1673dc12e1703d' });
    expect(h.Authorization).toBe(
      'ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0',
    );
    expect(parseAcs3Authorization(h.Authorization!)?.accessKeyId).toBe('YourAccessKeyId');
  });

  it('percent-encoding follows the doc table (space %20, * %2A, ~ unencoded) and UTF-8 for Chinese', () => {
    expect(acs3Encode('a b*c~d')).toBe('a%20b%2Ac~d');
    expect(acs3Encode('安心')).toBe('%E5%AE%89%E5%BF%83');
    expect(acs3Encode("!'()")).toBe('%21%27%28%29');
    expect(acs3Date(Date.UTC(2023, 9, 26, 10, 22, 32, 999))).toBe('2023-10-26T10:22:32Z');
  });
});

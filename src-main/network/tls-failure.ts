// Node's error codes for a server certificate that is not trusted or does not match the host:
// no retry fixes these, and the advice is about CA trust rather than the network.
const CERTIFICATE_CODE = /CERT|SELF_SIGNED|UNABLE_TO_(GET_ISSUER|VERIFY)|^ERR_TLS_|^ERR_SSL_/;

export function isCertificateFailure(code: string | undefined): boolean {
  return code !== undefined && CERTIFICATE_CODE.test(code);
}

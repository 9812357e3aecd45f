/**
 * @module core/ports/secret-box
 * Encrypts connection secrets at rest. The implementation (AES-256-GCM) lives in core/security.
 */
export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
  isSealed(value: unknown): value is string;
  /** an HMAC-SHA256 (base64url) of data under a key derived from the master key for this purpose (signed links) */
  mac(purpose: string, data: string): string;
}

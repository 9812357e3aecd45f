/**
 * @module core/ports/media-store
 * Where attachment bytes live: in the database (default; every process sees them) or in a directory shared by
 * all processes. An S3-compatible store can implement the same three calls.
 */
export interface MediaStore {
  readonly kind: string;
  put(key: string, bytes: Buffer): Promise<void>;
  get(key: string): Promise<Buffer | undefined>;
  /** removes the bytes (erasure); an unknown key is no error */
  delete(key: string): Promise<void>;
}

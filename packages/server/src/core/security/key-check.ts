/**
 * @module core/security/key-check
 * Before anything opens a secret, the master key must be the one the database's secrets were sealed with. The
 * check value is a known text sealed with the key on first use (key_checks, 0009_key_check); a database from
 * before the check is vouched for by opening one of its sealed secrets, and gets its check value then. A wrong key
 * refuses the start: without it every running connection would fall into ERROR one by one ("unable to
 * authenticate data") while /healthz answered 200.
 */
import type { KeyCheckStoreOps, SecretBox } from '../ports/index.js';

const CHECK_TEXT = 'switchboard master key check v1';

/** the key cannot open this database's secrets, or there is no key for a database that has some */
export class MasterKeyError extends Error {}

const opens = (box: SecretBox, sealed: string, expected?: string): boolean => {
  try {
    const plain = box.open(sealed);
    return expected === undefined || plain === expected;
  } catch {
    return false;
  }
};

/** whether the database already depends on some key: a check value or any sealed secret */
export async function holdsSealedSecrets(store: KeyCheckStoreOps): Promise<boolean> {
  return (await store.getKeyCheck()) !== undefined || (await store.findSealedSecret()) !== undefined;
}

/** throws MasterKeyError when `box` is not the database's key; stores the check value on first use */
export async function verifyMasterKey(
  store: KeyCheckStoreOps,
  box: SecretBox,
  at: string,
  keySource: string,
): Promise<void> {
  const wrong = (what: string) =>
    new MasterKeyError(
      `the master key (${keySource}) cannot open ${what}: start with the key the secrets were sealed with (see "Key handling" in docs/security.md)`,
    );
  let check = await store.getKeyCheck();
  if (check === undefined) {
    const sample = await store.findSealedSecret();
    if (sample !== undefined && !opens(box, sample)) throw wrong("this database's sealed secrets");
    await store.insertKeyCheck(box.seal(CHECK_TEXT), at);
    // several processes may start together: whichever check value was stored first is the one to pass
    check = await store.getKeyCheck();
  }
  if (check === undefined || !opens(box, check, CHECK_TEXT)) throw wrong("this database's key check value");
}

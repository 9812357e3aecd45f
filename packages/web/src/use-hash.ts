/** @module web/use-hash: the page's location hash as React state — the app's routes are hash links (#/inbox, #/automation/…) */
import { useEffect, useState } from 'react';

export function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash;
}

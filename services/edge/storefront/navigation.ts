// Following the address in the browser: the hook that re-renders on every change of the fragment, and moving on.
import { useEffect, useState } from 'preact/hooks';
import { parseRoute, type Route } from './route';

export function navigate(to: string): void {
  location.hash = to;
}

export function useRoute(): { route: Route; hash: string } {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const changed = () => setHash(location.hash);
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return { route: parseRoute(hash), hash };
}

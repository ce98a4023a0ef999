import { useState } from 'react';

/**
 * Ids the user follows (orders placed here or typed in), kept in localStorage: the upstream
 * APIs have no "list my orders" call.
 */
export function useTrackedIds(storageKey: string): [string[], (ids: string[]) => void] {
  const [ids, setIds] = useState<string[]>(() => {
    try {
      const saved: unknown = JSON.parse(localStorage.getItem(storageKey) ?? '[]');
      return Array.isArray(saved) ? saved.filter((x): x is string => typeof x === 'string') : [];
    } catch {
      return [];
    }
  });
  return [
    ids,
    (next) => {
      setIds(next);
      localStorage.setItem(storageKey, JSON.stringify(next));
    },
  ];
}

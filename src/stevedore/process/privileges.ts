/**
 * Drops root after the sockets are bound: the group first (while still allowed to), with the
 * user's supplementary groups, then the user. Throws with what to fix when it cannot.
 */
export function dropPrivileges(user: string | null, group: string | null): { user: string | null; group: string | null } {
  if (user === null && group === null) return { user: null, group: null };
  if (process.getuid?.() !== 0) {
    throw new Error(`'user'/'group' need stevedore to start as root (it runs as uid ${process.getuid?.()}); remove them or start it as root`);
  }
  try {
    if (group !== null) process.setgid!(group);
    if (user !== null) {
      (process as unknown as { initgroups(user: string, extraGroup: string): void }).initgroups(user, group ?? user);
      if (group === null) process.setgid!(user);
      process.setuid!(user);
    } else {
      process.setgroups!([group!]);
    }
  } catch (error) {
    throw new Error(`cannot switch to user '${user ?? '-'}' group '${group ?? '-'}': ${(error as Error).message} (does it exist?)`);
  }
  return { user, group };
}

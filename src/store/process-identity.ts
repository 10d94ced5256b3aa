/**
 * Who holds a run lock, precisely enough to tell a live holder from a stale lock. A PID alone is
 * not enough: after a reboot or in a new container the same PID names another process (often pid
 * 1), and a PID from another machine means nothing here. So a lock records, beside the PID and the
 * host name, the kernel's boot id (/proc/sys/kernel/random/boot_id: new at every boot), the PID
 * namespace (/proc/self/ns/pid: each container has its own) and the process start time
 * (/proc/<pid>/stat field 22, in clock ticks since boot: a reused PID has another). Where /proc is
 * missing (macOS, Windows) only the PID and host are known, and the check is as before.
 */
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

export interface ProcessIdentity {
  pid: number;
  host: string;
  boot_id?: string;
  pid_ns?: string;
  /** Start time of the process in clock ticks after boot. */
  start_ticks?: number;
}

function readOr<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

/** The start time of a process (clock ticks after boot), if it exists and /proc shows it. */
export function processStartTicks(pid: number): number | undefined {
  return readOr(() => {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (the command) is in parentheses and may itself hold spaces or parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    return Number.isFinite(ticks) ? ticks : undefined;
  });
}

export function currentProcess(): ProcessIdentity {
  const bootId = readOr(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
  const pidNs = readOr(() => readlinkSync('/proc/self/ns/pid'));
  const start = processStartTicks(process.pid);
  return {
    pid: process.pid,
    host: hostname(),
    ...(bootId ? { boot_id: bootId } : {}),
    ...(pidNs ? { pid_ns: pidNs } : {}),
    ...(start !== undefined ? { start_ticks: start } : {}),
  };
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export type HolderState =
  /** The holder runs (or this very process holds the lock). */
  | { state: 'alive'; self: boolean }
  /** The holder is gone: the lock is stale and may be taken over. */
  | { state: 'gone'; why: string }
  /** Nothing here can tell (another machine or container): only the user can. */
  | { state: 'unknown'; why: string };

/** Whether the process that recorded `holder` still runs, seen from `me`. */
export function holderState(holder: ProcessIdentity, me: ProcessIdentity = currentProcess()): HolderState {
  const sameKernel = holder.boot_id !== undefined && holder.boot_id === me.boot_id;
  const samePidSpace = sameKernel && holder.pid_ns !== undefined && holder.pid_ns === me.pid_ns;
  if (holder.host !== me.host && !samePidSpace) {
    return { state: 'unknown', why: `it was taken on host ${holder.host}, another machine or container` };
  }
  if (holder.boot_id !== undefined && me.boot_id !== undefined && holder.boot_id !== me.boot_id) {
    return { state: 'gone', why: 'the machine has restarted since (another boot id)' };
  }
  if (holder.pid_ns !== undefined && me.pid_ns !== undefined && holder.pid_ns !== me.pid_ns) {
    return { state: 'unknown', why: 'it was taken in another container on this machine (another PID namespace)' };
  }
  if (!processExists(holder.pid)) return { state: 'gone', why: `no process ${holder.pid} runs any more` };
  const start = processStartTicks(holder.pid);
  if (holder.start_ticks !== undefined && start !== undefined && start !== holder.start_ticks) {
    return { state: 'gone', why: `pid ${holder.pid} now belongs to another process (it started at another time)` };
  }
  const self = holder.pid === me.pid && (holder.start_ticks === undefined || holder.start_ticks === me.start_ticks);
  if (holder.start_ticks === undefined && !self) {
    // A lock from a build that recorded no start time: a live PID may be an unrelated process.
    return { state: 'unknown', why: `pid ${holder.pid} runs, but the lock does not say when its holder started, so it may be another process` };
  }
  return { state: 'alive', self };
}

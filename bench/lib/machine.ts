import os from "node:os";

export interface MachineInfo {
  cores: number;
  cpu: string;
  memoryGiB: number;
  node: string;
  platform: string;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cores: os.availableParallelism?.() ?? cpus.length,
    cpu: cpus[0]?.model.trim() ?? "unknown",
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  };
}

export function describeMachine(info: MachineInfo = machineInfo()): string {
  return `${info.cores} cores (${info.cpu}), ${info.memoryGiB} GiB RAM, Node ${info.node}, ${info.platform}`;
}

/** One-minute load average; other work on the machine (above its core count) skews timings. */
export function loadAverage(): number {
  return Math.round(os.loadavg()[0]! * 100) / 100;
}

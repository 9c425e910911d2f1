// Progress display for long CLI work: a bar on a terminal, periodic log lines otherwise.

import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number, total: number, label: string): void;
  stop(): void;
}

export function progressBar(title: string, log: (msg: string) => void): Progress {
  if (!process.stderr.isTTY) {
    return {
      update: (done, total, label) => log(`${title}: ${done}/${total} ${label}`),
      stop: () => undefined,
    };
  }
  const bar = new cliProgress.SingleBar(
    { format: `${title} [{bar}] {value}/{total} {label}`, stream: process.stderr, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, label) {
      if (!started) {
        bar.start(total, 0, { label: '' });
        started = true;
      }
      bar.update(done, { label });
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

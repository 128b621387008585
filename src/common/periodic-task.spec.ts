import { PeriodicTask } from './periodic-task';

/** A task whose runs end when the test says so. */
function controlledTask() {
  const ends: (() => void)[] = [];
  let runs = 0;
  const task = () => {
    runs++;
    return new Promise<void>((resolve) => ends.push(resolve));
  };
  return { task, runs: () => runs, endRun: () => ends.shift()?.() };
}

describe('PeriodicTask', () => {
  it('awaits the first run unless asked to run it in the background', async () => {
    const awaited = controlledTask();
    const blocking = new PeriodicTask('awaited', 3600_000, awaited.task);
    let started = false;
    const starting = blocking.start().then(() => (started = true));
    await Promise.resolve();
    expect(awaited.runs()).toBe(1);
    expect(started).toBe(false);
    awaited.endRun();
    await starting;
    expect(started).toBe(true);
    await blocking.stop();

    const background = controlledTask();
    const quick = new PeriodicTask('background', 3600_000, background.task);
    await quick.start({ inBackground: true });
    expect(background.runs()).toBe(1);
    let stopped = false;
    const stopping = quick.stop().then(() => (stopped = true));
    await Promise.resolve();
    // Stopping waits for the run in progress.
    expect(stopped).toBe(false);
    background.endRun();
    await stopping;
    expect(stopped).toBe(true);
  });

  it('logs a failed run instead of failing the start', async () => {
    const failing = new PeriodicTask('failing', 3600_000, () => Promise.reject(new Error('database down')));
    await expect(failing.start()).resolves.toBeUndefined();
    await failing.stop();
  });
});

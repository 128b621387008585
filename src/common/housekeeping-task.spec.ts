import { HousekeepingTask } from './housekeeping-task';

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

describe('HousekeepingTask', () => {
  it('joins a trigger that comes while a run is in progress instead of starting another', async () => {
    const controlled = controlledTask();
    const housekeeping = new HousekeepingTask('controlled', controlled.task);
    const first = housekeeping.run();
    const second = housekeeping.run();
    expect(controlled.runs()).toBe(1);
    expect(second).toBe(first);
    controlled.endRun();
    await first;
    const third = housekeeping.run();
    expect(third).not.toBe(first);
    expect(controlled.runs()).toBe(2);
    controlled.endRun();
    await third;
  });

  it('waits for the run in progress when asked for idle', async () => {
    const controlled = controlledTask();
    const housekeeping = new HousekeepingTask('controlled', controlled.task);
    void housekeeping.run();
    let idle = false;
    const waiting = housekeeping.idle().then(() => (idle = true));
    await Promise.resolve();
    expect(idle).toBe(false);
    controlled.endRun();
    await waiting;
    expect(idle).toBe(true);
  });

  it('logs a failed run instead of rejecting, and runs again on the next trigger', async () => {
    let runs = 0;
    const failing = new HousekeepingTask('failing', () => {
      runs++;
      return Promise.reject(new Error('database down'));
    });
    await expect(failing.run()).resolves.toBeUndefined();
    await expect(failing.run()).resolves.toBeUndefined();
    expect(runs).toBe(2);
  });
});

/**
 * The main-thread CPU time of an element's first render in a fresh page, from a Chromium trace.
 *
 * The wall time of that render (create + append → `updateComplete`) also counts the moments the renderer's main
 * thread waited for a core: on two cores it shares them with Chromium's other processes (the page that was just
 * closed, the network service, the GPU process) and with the stack. The render runs in one task (Lit updates in a
 * microtask of the task that appended the element), so that task's thread time (`tdur` of the outermost
 * top-level event around both marks, its `RunTask`) is what the render itself cost the CPU, whatever else ran
 * beside it. It includes the evaluate call that starts it, a few hundredths of a millisecond.
 */
import type { Page } from 'playwright-core';

interface TraceEvent {
  name: string;
  ph: string;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
}

/**
 * Renders one element in `page` (`render`: `window.bench.renderOnce()`, or the floor's) under a trace; returns
 * the CPU time in ms of the outermost top-level trace event that spans both of the page's marks (the task that
 * ran the render), or undefined when the trace has none (the caller takes another page).
 */
export async function firstRenderCpu(
  page: Page,
  render = 'window.bench.renderOnce()',
): Promise<number | undefined> {
  const cdp = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', ({ value }) => events.push(...(value as unknown as TraceEvent[])));
  const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
  // toplevel: the tasks with their thread time; blink.user_timing: the page's marks around the render.
  await cdp.send('Tracing.start', { categories: 'toplevel,blink.user_timing', transferMode: 'ReportEvents' });
  await page.evaluate(render);
  await cdp.send('Tracing.end');
  await complete;
  await cdp.detach();
  const start = events.find((event) => event.name === 'notify-render-start');
  const end = events.find((event) => event.name === 'notify-render-end');
  if (!start || !end) return undefined;
  const spanning = events.filter(
    (event) =>
      event.tid === start.tid &&
      event.ph === 'X' &&
      event.tdur !== undefined &&
      event.ts <= start.ts &&
      event.ts + (event.dur ?? 0) >= end.ts,
  );
  const task = spanning.sort((a, b) => (b.dur ?? 0) - (a.dur ?? 0))[0];
  return task ? task.tdur! / 1000 : undefined;
}

// The one polling helper of the end-to-end tests: wait for a condition in the page, polled by
// Playwright (never a sleep), with a message that says what was awaited.

/** Polls `predicate(arg)` in `frame` (a page or a frame) until it is true. */
export async function until(frame, predicate, arg, what) {
  try {
    await frame.waitForFunction(predicate, arg, { timeout: 10_000 });
  } catch (e) {
    throw new Error(`timed out waiting until ${what}: ${e.message.split("\n")[0]}`);
  }
}

/** The element's own frame (an embedded client is another origin). */
const frameOf = async (locator) => (await locator.elementHandle()).ownerFrame();

const nameOf = (locator) => locator.evaluate((e) => e.id || e.tagName);

/** Waits until the element's text matches `pattern`. */
export async function expectText(locator, pattern) {
  const el = await locator.elementHandle();
  try {
    await until(
      await frameOf(locator),
      ([el, src, flags]) => new RegExp(src, flags).test(el.textContent ?? ""),
      [el, pattern.source, pattern.flags],
      `${await nameOf(locator)} shows ${pattern}`,
    );
  } catch (e) {
    const now = await el.evaluate((el) => el.textContent).catch(() => "(gone)");
    throw new Error(`${e.message}; it shows ${JSON.stringify(now?.trim().slice(0, 300))}`);
  }
}

/** Waits until the field's value is `value`. */
export async function expectValue(locator, value) {
  const el = await locator.elementHandle();
  await until(await frameOf(locator), ([el, v]) => el.value === v, [el, value], `${await nameOf(locator)} has the value ${JSON.stringify(value)}`);
}

/** Waits until the element has no text. */
export async function expectEmpty(locator) {
  const el = await locator.elementHandle();
  await until(await frameOf(locator), (el) => (el.textContent ?? "").trim() === "", el, `${await nameOf(locator)} is empty`);
}

/** Waits until the control is disabled (or enabled). */
export async function expectDisabled(locator, disabled = true) {
  const el = await locator.elementHandle();
  await until(
    await frameOf(locator),
    ([el, d]) => el.matches(":disabled") === d,
    [el, disabled],
    `${await nameOf(locator)} is ${disabled ? "disabled" : "enabled"}`,
  );
}

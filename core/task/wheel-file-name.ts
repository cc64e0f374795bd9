// PEP 427: {distribution}-{version}(-{build tag})?-{python tag}-{abi tag}-{platform tag}.whl.
// uv refuses any other name ("The wheel filename … is invalid"), so a name of
// another shape would only fail later, in the environment build.
const PART = "[A-Za-z0-9_.+!]+";
const WHEEL_FILE_NAME = new RegExp(`^[A-Za-z0-9](?:[A-Za-z0-9._]*[A-Za-z0-9])?-${PART}(?:-[0-9][A-Za-z0-9_.]*)?-${PART}-${PART}-${PART}\\.whl$`);

/** How messages describe a wheel file name. */
export const WHEEL_FILE_NAME_EXPECTED = "a wheel file named name-version-pythontag-abitag-platformtag.whl (PEP 427), e.g. my_op-0.1.0-cp310-cp310-linux_x86_64.whl";

/**
 * True when `name` (a file name, no folder) is a wheel file name uv accepts.
 * The task parser checks extra_wheels with it and the runner checks the
 * names in an environment manifest with it, so both refuse the same names.
 *
 * @example isWheelFileName("op-0.1-py3-none-any.whl") // true
 * @example isWheelFileName("my_op-0.1.0-cp310-linux_x86_64.whl") // false: no abi tag
 */
export function isWheelFileName(name: string): boolean {
  return name.length <= 255 && WHEEL_FILE_NAME.test(name);
}

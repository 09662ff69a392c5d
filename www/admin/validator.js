// The one place the admin page loads the package: its Rust validator, validatePolicy.

/** Where the package's entry with validatePolicy is served. */
const PACKAGE_ENTRY = "/pkg/admin/inactivity_timeout_admin.js";

/** validatePolicy, or null (with a console warning) when the package cannot be loaded. */
export async function loadValidator() {
  try {
    const pkg = await import(PACKAGE_ENTRY);
    await pkg.default();
    if (typeof pkg.validatePolicy !== "function") throw new Error("validatePolicy is missing");
    return pkg.validatePolicy;
  } catch (e) {
    console.warn("validator unavailable", e);
    return null;
  }
}

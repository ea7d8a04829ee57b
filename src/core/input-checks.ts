/**
 * Cheap checks that a file handed to the engine is Go source text at all, shared by the CLI and the
 * extension so both skip the same files with the same words.
 */

/** Default size limits, in UTF-16 code units (≈ bytes for Go source). */
export const DEFAULT_EDITOR_MAX_FILE_SIZE = 1_000_000;
export const DEFAULT_CLI_MAX_FILE_SIZE = 5_000_000;

/**
 * Why this text is not Go source, or undefined when it may be. The Go toolchain rejects a NUL
 * character anywhere in a source file, so one NUL means binary content (an image or archive named
 * .go, a corrupt checkout): parsing it would only produce noise and cost time.
 */
export function notGoSource(text: string): string | undefined {
  const nul = text.indexOf('\0');
  if (nul >= 0) return 'contains NUL bytes, so it is not Go source text (binary content?); skipped';
  return undefined;
}

/** "10.0 MB" / "640 KB" / "12 bytes": a size for messages. */
export function formatSize(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(1)} MB`;
  if (n >= 1_000) return `${Math.round(n / 1_000)} KB`;
  return `${n} bytes`;
}

/** Parses "5000000", "800KB", "5MB", "5 mb" (decimal units); undefined when it is not a positive size. */
export function parseSize(s: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|k|mb|m)?\s*$/i.exec(s);
  if (!m) return undefined;
  const unit = (m[2] ?? 'b').toLowerCase();
  const n = Number(m[1]) * (unit.startsWith('m') ? 1_000_000 : unit.startsWith('k') ? 1_000 : 1);
  return Number.isFinite(n) && n >= 1 ? Math.floor(n) : undefined;
}

/**
 * `npm run bench -- --quick`: every scenario at a token size, so CI can check in seconds that the bench still runs.
 * Its figures mean nothing; the full sizes are what the README quotes.
 */
export const QUICK = process.argv.includes('--quick');

/** `full`, or `quick` under --quick. */
export const sized = (full: number, quick: number): number => (QUICK ? quick : full);

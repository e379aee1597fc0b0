import * as path from 'node:path';

/** Node arguments for a child process that runs a .ts file from source (see register-ts.js). */
export const TS_EXEC_ARGV = ['-r', path.join(__dirname, 'register-ts.js')];

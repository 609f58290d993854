// Must run before the contract's schemas are built: zod probes `new Function` when an object
// schema is made unless jitless is set, and under our CSP (no 'unsafe-eval') that probe is
// reported as a violation even though zod catches it. Imported first by main.ts.
import { config } from 'zod';

config({ jitless: true });

import { z } from 'zod';

/**
 * An email address as people type it into k2flow: surrounding spaces dropped and lower-cased
 * before it is checked (zod runs a schema's checks and transforms in order, so `.trim()` after
 * `z.email()` would come too late).
 */
export const emailAddress = z.string().trim().toLowerCase().pipe(z.email('must be an email address').max(254));

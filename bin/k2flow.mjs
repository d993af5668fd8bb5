#!/usr/bin/env node
// The coordinators' command-line tool; runs the TypeScript sources through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../client/cli/main.ts');

#!/usr/bin/env node
// broker-ts is written in TypeScript and run through tsx, so a fresh clone needs no build step.
import { register } from 'tsx/esm/api';
register();
await import('../broker-ts/main.ts');

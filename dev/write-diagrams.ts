// `npm run diagrams`: rewrites each variant's lifecycle diagram in README.md from its definition.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { latestDefinition } from '../definitions';
import { readmeBlock, readmeBlockPattern } from '../definitions/diagram';
import { variants } from '../domain/application-input';

const readme = path.resolve(import.meta.dirname, '../README.md');
let text = readFileSync(readme, 'utf8');
for (const variant of variants) {
  if (!readmeBlockPattern(variant).test(text)) throw new Error(`README.md has no diagram markers for ${variant}.`);
  text = text.replace(readmeBlockPattern(variant), readmeBlock(latestDefinition(variant)));
}
writeFileSync(readme, text);
console.log(`Diagrams written for ${variants.join(', ')}.`);

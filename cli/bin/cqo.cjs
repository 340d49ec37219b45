#!/usr/bin/env node
"use strict";
// Runs the TypeScript sources directly through tsx (a devDependency of the repository root), so the
// command needs no build step after `npm ci`.
require("tsx/cjs");
void require("../src/main.ts").run(process.argv);

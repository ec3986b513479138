#!/usr/bin/env node
// ONNX Runtime side of bench/compare: one process = one batch of timed runs.
//
//   node ort_bench.js --model m.onnx --threads N --runs R [--warmup W] [--modules DIR]
//
// Prints one JSON object: load_ms (InferenceSession.create), first_run_ms, samples_ms,
// peak RSS. The input is the same xorshift32 pattern `tarsier bench` uses
// (tools/bench_runner.cpp fill_pattern), so both engines see identical numbers.
'use strict';
const path = require('path');

function parseArgs(argv) {
  const args = { threads: 1, runs: 10, warmup: 2, modules: path.join(__dirname, '..', '.peers', 'node_modules') };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in args) && key !== 'model') throw new Error(`unknown option ${argv[i]}`);
    if (i + 1 >= argv.length) throw new Error(`option ${argv[i]} needs a value`);
    args[key] = key === 'model' || key === 'modules' ? argv[i + 1] : Number(argv[i + 1]);
  }
  if (!args.model) throw new Error('--model is required');
  for (const key of ['threads', 'runs']) {
    if (!Number.isInteger(args[key]) || args[key] < 1) throw new Error(`--${key} must be a positive integer`);
  }
  if (!Number.isInteger(args.warmup) || args.warmup < 0) throw new Error('--warmup must be >= 0');
  return args;
}

function fillPattern(data, seed) {
  let state = (seed >>> 0) || 0x9e3779b9;
  for (let i = 0; i < data.length; ++i) {
    state = (state ^ (state << 13)) >>> 0;
    state = (state ^ (state >>> 17)) >>> 0;
    state = (state ^ (state << 5)) >>> 0;
    data[i] = Math.fround((state >>> 8) * (2.0 / 16777216.0) - 1.0);
  }
}

const msSince = (start) => Number(process.hrtime.bigint() - start) / 1e6;
const rssMb = () => process.resourceUsage().maxRSS / 1024;  // maxRSS is in KiB

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const ort = require(path.join(args.modules, 'onnxruntime-node'));
  const rssBeforeLoad = rssMb();

  let start = process.hrtime.bigint();
  const session = await ort.InferenceSession.create(args.model, {
    executionProviders: ['cpu'],
    intraOpNumThreads: args.threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
  });
  const loadMs = msSince(start);

  // Static shapes: read them from the model's input metadata.
  const feeds = {};
  session.inputNames.forEach((name, i) => {
    const meta = session.inputMetadata ? session.inputMetadata[i] : undefined;
    const shape = meta && meta.shape ? meta.shape.map(Number) : null;
    if (!shape || shape.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new Error(`input ${name} has no static shape`);
    }
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    fillPattern(data, 1234 + i);
    feeds[name] = new ort.Tensor('float32', data, shape);
  });

  start = process.hrtime.bigint();
  await session.run(feeds);
  const firstRunMs = msSince(start);
  for (let i = 0; i < args.warmup; ++i) await session.run(feeds);

  const samples = [];
  for (let i = 0; i < args.runs; ++i) {
    start = process.hrtime.bigint();
    await session.run(feeds);
    samples.push(msSince(start));
  }
  process.stdout.write(JSON.stringify({
    engine: 'onnxruntime',
    version: ort.env.versions ? ort.env.versions.node : 'unknown',
    threads: args.threads,
    load_ms: loadMs,
    first_run_ms: firstRunMs,
    samples_ms: samples,
    rss_before_load_mb: rssBeforeLoad,
    peak_rss_mb: rssMb(),
  }) + '\n');
}

main().catch((err) => {
  process.stderr.write(`ort_bench: ${err.message}\n`);
  process.exit(1);
});

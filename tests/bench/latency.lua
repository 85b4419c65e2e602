-- wrk script: send the headers given in the environment and print throughput and latency percentiles.
local authorization = os.getenv("BENCH_AUTHORIZATION")
local if_none_match = os.getenv("BENCH_IF_NONE_MATCH")
if authorization and authorization ~= "" then wrk.headers["Authorization"] = authorization end
if if_none_match and if_none_match ~= "" then wrk.headers["If-None-Match"] = if_none_match end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("BENCH rps=%.1f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f requests=%d errors=%d bytes=%d\n",
    summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.requests, errors, summary.bytes))
end

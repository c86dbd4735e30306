-- wrk script of bench/http/compare.sh: the request (method, path and headers) comes from the
-- command line (`-H`), the same for every target; this only prints the run's exact figures on
-- one line that compare.sh parses. Latencies are in microseconds, from wrk's full histogram.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "KWRESULT requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d max_us=%d " ..
    "connect_errors=%d read_errors=%d write_errors=%d status_errors=%d timeouts=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout))
end

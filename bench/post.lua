-- wrk script for the POST scenario: the body comes from the environment so that the
-- benchmark script (workload.POST_BODY) stays its single source.
wrk.method = "POST"
wrk.body = os.getenv("BENCH_POST_BODY")
wrk.headers["Content-Type"] = "application/json"

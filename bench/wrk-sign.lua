-- wrk-sign.lua - POST pre-made /sign bodies over keep-alive TLS.
--
--   wrk -t T -c C -d D -s bench/wrk-sign.lua https://127.0.0.1:PORT -- PREFIX
--
-- Thread i sends the lines of PREFIX.i (made by bench/sign_reqs), each
-- once: every request carries its own one-time token.  When a thread runs
-- out it sends its last body again (a replay, answered 401), so the
-- summary counts 201s apart: "certs" is the number of certificates
-- issued (requests minus the error statuses wrk counts itself), and
-- certs/s is what the benchmark reports.

local threads = {}
local counter = 0

function setup(thread)
   thread:set("id", counter)
   counter = counter + 1
   table.insert(threads, thread)
end

function init(args)
   local prefix = args[1] or "reqs"
   bodies = {}
   for l in io.lines(prefix .. "." .. id) do
      bodies[#bodies + 1] = l
   end
   n = 0
   ok = 0
   other = 0
   wrk.method = "POST"
   wrk.headers["Content-Type"] = "application/json"
end

function request()
   n = n + 1
   local b = bodies[n] or bodies[#bodies]
   return wrk.format("POST", "/sign", nil, b)
end


function done(summary, latency, requests)
   -- /sign answers 201 or an error status (4xx, 5xx), which wrk counts
   -- in errors.status itself: no response() callback, which would make
   -- wrk hand every response's headers and body to Lua.
   local others = summary.errors.status
   local certs = summary.requests - others
   local secs = summary.duration / 1e6
   io.write(string.format("certs %d\nnon-201 %d\nerrors %d\n", certs, others,
      summary.errors.connect + summary.errors.read + summary.errors.write +
      summary.errors.timeout))
   io.write(string.format("certs/s %.0f\n", certs / secs))
   io.write(string.format("p50 %.2f ms\np90 %.2f ms\np99 %.2f ms\nmax %.2f ms\n",
      latency:percentile(50) / 1000, latency:percentile(90) / 1000,
      latency:percentile(99) / 1000, latency.max / 1000))
end

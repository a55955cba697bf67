-- wrk script for make bench: each request carries the next header from a file, and the run ends
-- by printing one JSON line ("WRKJSON {...}") that bench/load.py reads.
--   wrk -s bench/wrk_rotate.lua URL -- HEADERS_FILE
-- HEADERS_FILE holds one "Name: value" line per identity (a bearer token, a session cookie):
-- requests rotate over them so the server reads as many people, not one cached person.

local headers = {}
local counter = 0

function init(args)
  local file = args[1] and io.open(args[1], "r")
  if file then
    for line in file:lines() do
      local name, value = line:match("^([^:]+):%s*(.*)$")
      if name then
        headers[#headers + 1] = { name = name, value = value }
      end
    end
    file:close()
  end
  -- Threads start at different places in the list.
  counter = math.random(0, math.max(#headers - 1, 0))
end

function request()
  if #headers == 0 then
    return wrk.format(nil, nil)
  end
  counter = counter + 1
  local header = headers[(counter % #headers) + 1]
  return wrk.format(nil, nil, { [header.name] = header.value })
end

function done(summary, latency, requests)
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "connect_errors": %d, "read_errors": %d, '
      .. '"write_errors": %d, "status_errors": %d, "timeouts": %d, "p50_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(99)))
end

-- wrk script of bench/http_paths.py: counts the answers by status code and, for POST runs, sends a
-- body with a client key no other request used.
--
--   wrk -t1 -c8 -d6s -s bench/wrk/bench.lua URL -- get
--   wrk -t1 -c8 -d6s -s bench/wrk/bench.lua URL -- post PREFIX 'JSON with @KEY@'
--
-- Headers (Authorization, Cookie, If-None-Match, Content-Type) come from wrk's -H options.
-- done() prints one line "STATUS <code> <count>" per status code seen.

local threads = {}

function setup(thread)
   table.insert(threads, thread)
   thread:set("tid", #threads)
end

function init(args)
   mode = args[1] or "get"
   prefix = args[2] or "bench"
   template = args[3] or "{}"
   counter = 0
   statuses = {}
end

function request()
   if mode == "post" then
      counter = counter + 1
      local key = prefix .. "-" .. tid .. "-" .. counter
      local body = string.gsub(template, "@KEY@", key)
      return wrk.format("POST", nil, nil, body)
   end
   return wrk.format(nil)
end

function response(status, headers, body)
   statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
   for _, thread in ipairs(threads) do
      local counted = thread:get("statuses")
      for code, count in pairs(counted) do
         io.write(string.format("STATUS %d %d\n", code, count))
      end
   end
end

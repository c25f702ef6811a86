-- Registers tickets: POST /api/v1/tickets with the agent's token.
-- Arguments (after --): access token, customer id, asset id.
local token, customer, asset

function init(args)
    token, customer, asset = args[1], args[2], args[3]
end

function request()
    local body = string.format(
        '{"customer_id":%s,"asset_id":%s,"channel":"phone","priority":"p3",' ..
        '"title":"UPS alarm","description":"Registered by the load run"}', customer, asset)
    return wrk.format("POST", nil, {
        ["Content-Type"] = "application/json",
        ["Authorization"] = "Bearer " .. token,
    }, body)
end

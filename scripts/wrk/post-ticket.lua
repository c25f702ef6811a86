-- Registers tickets: POST /api/v1/tickets with the agent's token.
-- Arguments (after --): access token, customer id, asset id. Every ticket after the first is for
-- an asset that has an open ticket already, so each says why it is a new one (`unrelated_reason`).
local token, customer, asset

function init(args)
    token, customer, asset = args[1], args[2], args[3]
end

function request()
    local body = string.format(
        '{"customer_id":%s,"asset_id":%s,"channel":"phone","priority":"p3",' ..
        '"title":"UPS alarm","description":"Registered by the load run",' ..
        '"unrelated_reason":"a separate fault on the same asset"}', customer, asset)
    return wrk.format("POST", nil, {
        ["Content-Type"] = "application/json",
        ["Authorization"] = "Bearer " .. token,
    }, body)
end

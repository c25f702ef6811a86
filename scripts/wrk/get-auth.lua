-- GETs the URL with a bearer token. Arguments (after --): access token.
local token

function init(args)
    token = args[1]
end

function request()
    return wrk.format("GET", nil, {["Authorization"] = "Bearer " .. token}, nil)
end

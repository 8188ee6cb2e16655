"""Well-known sandbox credentials. The simulators accept only these; they are not secrets.

`build_registry` uses them when a provider has no configured credentials outside production.
"""

AIRALO_CLIENT_ID = "sandbox-airalo-client-id"
AIRALO_CLIENT_SECRET = "sandbox-airalo-client-secret"
ESIM_ACCESS_CODE = "sandboxAccessCode"
ESIM_ACCESS_SECRET = "sandboxSecretKey"
ESIM_GO_API_KEY = "sandbox-esim-go-api-key"

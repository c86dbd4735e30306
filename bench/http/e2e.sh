#!/usr/bin/env bash
# End to end as users deploy Keyward (docs/gateways.md, "nginx: auth_request"): one nginx (one
# worker) in front of an upstream (the nginx-static peer, a second nginx answering a constant),
# with two servers:
#   authz   `auth_request` to Keyward's /v1/authz first — the recipe of docs/gateways.md: a
#           keepalive upstream to Keyward, headers only, the client's credential passed on, the
#           identity headers set for the upstream;
#   proxy   the same proxying to the upstream, without auth_request;
# BENCH_ROUNDS rounds of both, interleaved; per target the median requests/s and p99, and the
# ratio authz / proxy. Keyward runs with its defaults (one I/O thread) and
# `--trusted-proxy 127.0.0.1/32`. Both servers reach the upstream over keepalive connections
# (proxy_http_version 1.1), so the only difference between them is the auth subrequest.
#
# Environment: see bench/http/lib.sh. Writes $BENCH_OUT_DIR/e2e.tsv, wrk-e2e-*.txt, e2e.txt and
# e2e.json.
set -euo pipefail
part=e2e.sh
# shellcheck source=bench/http/lib.sh
source "$(dirname "$0")/lib.sh"

[[ -f $peers/nginx-static/nginx.conf.template ]] || die "no peers in $peers"
[[ $(nginx -V 2>&1) == *--with-http_auth_request_module* ]] ||
  die "this nginx has no ngx_http_auth_request_module"
tsv=$out/e2e.tsv
: >"$tsv"

# --- the upstream: the nginx-static peer ----------------------------------------------------------
app_port=$(free_port)
render_peer_nginx "$work/app" "$app_port"
start_nginx "$work/app"
wait_ready "http://127.0.0.1:$app_port/" || die "the upstream nginx did not answer"

# --- keyward --------------------------------------------------------------------------------------
start_keyward keyward --trusted-proxy 127.0.0.1/32
keyward_pid=$kw_pid
token=$(create_key "$kw_address" "$kw_admin" '{"name": "bench-e2e", "role": "Auditor"}' |
  json_field secret)

# --- the gateway ----------------------------------------------------------------------------------
gw=$work/gateway
mkdir -p "$gw"
authz_port=$(free_port)
proxy_port=$(free_port)
# docs/gateways.md's keyward-authz.conf, for the internal auth location.
cat >"$gw/keyward-authz.conf" <<'EOF'
proxy_pass_request_body off;
proxy_set_header Content-Length "";
proxy_http_version 1.1;
proxy_set_header Connection "";
proxy_set_header X-Forwarded-For $remote_addr;
proxy_set_header X-Real-IP $remote_addr;
EOF
# docs/gateways.md's keyward-identity.conf, for the protected location, plus keepalive to the
# upstream (the last two lines before proxy_pass, also in the plain proxy below).
cat >"$gw/keyward-identity.conf" <<'EOF'
auth_request_set $keyward_key_id      $upstream_http_x_keyward_key_id;
auth_request_set $keyward_key_name    $upstream_http_x_keyward_key_name;
auth_request_set $keyward_role        $upstream_http_x_keyward_role;
auth_request_set $keyward_outcome     $upstream_http_x_keyward_outcome;
auth_request_set $keyward_retry_after $upstream_http_retry_after;
add_header X-Keyward-Outcome $keyward_outcome always;
add_header Retry-After $keyward_retry_after always;
proxy_set_header X-Keyward-Key-Id     $keyward_key_id;
proxy_set_header X-Keyward-Key-Name   $keyward_key_name;
proxy_set_header X-Keyward-Role       $keyward_role;
proxy_set_header X-Keyward-Outcome    $keyward_outcome;
proxy_set_header X-Keyward-Permission "";
proxy_set_header Host $host;
proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
proxy_http_version 1.1;
proxy_set_header Connection "";
proxy_pass http://app;
EOF
cat >"$gw/nginx.conf" <<EOF
worker_processes 1;
pid $gw/nginx.pid;
error_log $gw/error.log;
daemon on;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $gw/body;
  proxy_temp_path $gw/proxy;
  fastcgi_temp_path $gw/fastcgi;
  uwsgi_temp_path $gw/uwsgi;
  scgi_temp_path $gw/scgi;
  upstream keyward {
    server $kw_address;
    keepalive 16;
  }
  upstream app {
    server 127.0.0.1:$app_port;
    keepalive 16;
  }
  server {
    listen 127.0.0.1:$authz_port;
    location = /_keyward {
      internal;
      proxy_pass http://keyward/v1/authz;
      include $gw/keyward-authz.conf;
    }
    location / {
      auth_request /_keyward;
      include $gw/keyward-identity.conf;
    }
  }
  server {
    listen 127.0.0.1:$proxy_port;
    location / {
      proxy_set_header Host \$host;
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_pass http://app;
    }
  }
}
EOF
start_nginx "$gw"
wait_ready "http://127.0.0.1:$proxy_port/" || die "the gateway did not answer: $(tail -3 "$gw/error.log")"

# The gateway lets the key through to the upstream's body, and refuses a request without it.
body=$(curl -sf "http://127.0.0.1:$authz_port/" -H "Authorization: Bearer $token") ||
  die "the gateway refused the valid key: $(outcome "http://127.0.0.1:$authz_port/" -H "Authorization: Bearer $token")"
[[ $body == '{"valid":true}' ]] || die "the gateway answered '$body', not the upstream's body"
answer=$(outcome "http://127.0.0.1:$authz_port/" -H "Authorization: Bearer $token")
[[ $answer == "200 VALID" ]] || die "through the gateway: '$answer', not '200 VALID'"
answer=$(outcome "http://127.0.0.1:$authz_port/")
[[ $answer == "401 MALFORMED" ]] || die "without a key the gateway answered '$answer', not '401 MALFORMED'"

echo "End to end: wrk -t1 -c$connections -d${seconds}s through nginx (1 worker) to nginx-static," \
  "with and without auth_request to keyward; $rounds rounds"
for round in $(seq "$rounds"); do
  echo " round $round of $rounds"
  upstream_pids=$(nginx_pids "$work/app")
  gateway_pids=$(nginx_pids "$gw")
  run_wrk "e2e-proxy.r$round" "$gateway_pids $upstream_pids" "http://127.0.0.1:$proxy_port/"
  run_wrk "e2e-authz.r$round" "$gateway_pids $upstream_pids $keyward_pid" \
    "http://127.0.0.1:$authz_port/" -H "Authorization: Bearer $token"
done

python3 "$root/bench/report.py" e2e "$out" "$seconds" "$connections" | tee "$out/e2e.txt"

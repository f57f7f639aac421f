#!/bin/sh
test_description='nginx serves pkit-made certificates to curl, with and without client certificates'
. "$(dirname "$0")/lib.sh"

if ! test_have nginx && test -x /usr/sbin/nginx; then PATH=$PATH:/usr/sbin; fi
if ! test_have nginx; then
	test_skip 'nginx serves a pkit chain' 'nginx is not installed (Debian package nginx-light)'
	test_done
fi

NGINX_PID=
stop_nginx() {
	if [ -n "$NGINX_PID" ]; then kill "$NGINX_PID" 2>/dev/null; wait "$NGINX_PID" 2>/dev/null; fi
	NGINX_PID=
}
trap stop_nginx EXIT

test_expect_success 'a root, an intermediate, a server and a client certificate' '
	printf "pw" >pw &&
	pkit certificate create --profile root-ca --password-file pw "Test Root" root.crt root.key &&
	pkit certificate create --profile intermediate-ca --ca root.crt --ca-key root.key \
		--ca-password-file pw --password-file pw "Test Intermediate" int.crt int.key &&
	pkit certificate create --ca int.crt --ca-key int.key --ca-password-file pw \
		--no-password --insecure --bundle --san localhost --san 127.0.0.1 \
		localhost server.crt server.key &&
	pkit certificate create --ca int.crt --ca-key int.key --ca-password-file pw \
		--no-password --insecure --bundle --san alice@example.com \
		alice client.crt client.key &&
	cat int.crt root.crt >clients-ca.crt
'

PORT=$(free_port)
MPORT=$(free_port)

test_expect_success 'nginx starts with them on 127.0.0.1' '
	mkdir -p logs &&
	cat >nginx.conf <<-EOF
	master_process off;
	daemon off;
	pid $TRASH/nginx.pid;
	error_log $TRASH/logs/error.log info;
	events { worker_connections 64; }
	http {
		access_log off;
		client_body_temp_path $TRASH/tmp;
		ssl_protocols TLSv1.2 TLSv1.3;
		server {
			listen 127.0.0.1:$PORT ssl;
			ssl_certificate $TRASH/server.crt;
			ssl_certificate_key $TRASH/server.key;
			location / { return 200 "hello\n"; }
		}
		server {
			listen 127.0.0.1:$MPORT ssl;
			ssl_certificate $TRASH/server.crt;
			ssl_certificate_key $TRASH/server.key;
			ssl_client_certificate $TRASH/clients-ca.crt;
			ssl_verify_client on;
			ssl_verify_depth 2;
			location / { return 200 "hello \$ssl_client_s_dn\n"; }
		}
	}
	EOF
	test -s nginx.conf || return 1
	# Started on its own (not after &&), so that $! is nginx itself.
	nginx -p "$TRASH" -c "$TRASH/nginx.conf" 2>nginx.err &
	NGINX_PID=$!
	i=0
	until curl -s -o /dev/null --cacert root.crt "https://localhost:$PORT/"; do
		i=$((i + 1)); test $i -lt 100 || { cat nginx.err logs/error.log >&2; false; } || return 1
		sleep 0.1
	done
'

test_expect_success 'curl verifies the chain and the name' '
	curl -sS --cacert root.crt "https://localhost:$PORT/" >body &&
	echo hello >expect &&
	test_cmp expect body &&
	curl -sS --cacert root.crt --resolve "localhost:$PORT:127.0.0.1" "https://127.0.0.1:$PORT/" >body &&
	test_cmp expect body
'

test_expect_success 'curl refuses the server without the root' '
	test_must_fail curl -sS "https://localhost:$PORT/" 2>err
'

test_expect_success 'pkit inspects and verifies the live server' '
	pkit certificate inspect --short --roots root.crt "https://localhost:$PORT" >short &&
	grep -q "Subject: *localhost" short &&
	pkit certificate verify --roots root.crt "https://localhost:$PORT"
'

test_expect_success 'mTLS: a pkit client certificate is accepted' '
	curl -sS --cacert root.crt --cert client.crt --key client.key "https://localhost:$MPORT/" >body &&
	grep -q "^hello CN=alice" body
'

test_expect_success 'mTLS: no client certificate, or one from another CA, is refused' '
	curl -s --cacert root.crt -o body -w "%{http_code}" "https://localhost:$MPORT/" >code &&
	test "$(cat code)" = 400 &&
	pkit certificate create --profile self-signed --no-password --insecure \
		--san mallory@example.com mallory evil.crt evil.key &&
	curl -s --cacert root.crt --cert evil.crt --key evil.key -o body \
		-w "%{http_code}" "https://localhost:$MPORT/" >code &&
	test "$(cat code)" = 400
'

test_expect_success 'nginx is stopped by the test' '
	stop_nginx &&
	! pgrep -f "nginx -p $TRASH" >/dev/null
'

test_done

#!/bin/sh
# tls_check_chain (tests/unit-tlscheck) on certificates made here with
# openssl: a chain is good only when a CA of the CA file signed it (through
# intermediates the server sends), it is valid now, is for a TLS server,
# and names the host, DNS name or IP address, in its subject alternative
# names (the common name only when there are none); anything else, a
# missing CA file, an empty chain, unreadable certificates, fails with a
# why that says what is wrong.
. "$srcdir/tests/lib.sh"

command -v openssl >/dev/null 2>&1 || skip_all "no openssl to make certificates"

CHECK="$builddir/tests/unit-tlscheck"
C="$T/certs"
mkdir -p "$C/db"
: > "$C/db/index.txt"
echo 1000 > "$C/db/serial"
cat > "$C/openssl.cnf" <<CNF
[req]
distinguished_name = dn
[dn]

# openssl ca, for the dates openssl x509 -req cannot set before 3.4
[ca]
default_ca = ca1
[ca1]
database = $C/db/index.txt
new_certs_dir = $C/db
serial = $C/db/serial
default_md = sha256
policy = anything
unique_subject = no
[anything]
commonName = supplied

[root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[inter]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
authorityKeyIdentifier = keyid
[wrong]
basicConstraints = critical, CA:FALSE
extendedKeyUsage = serverAuth
subjectAltName = DNS:wrong.example
authorityKeyIdentifier = keyid
[wildcard]
basicConstraints = critical, CA:FALSE
extendedKeyUsage = serverAuth
subjectAltName = DNS:*.example.test
authorityKeyIdentifier = keyid
[ip_only]
basicConstraints = critical, CA:FALSE
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1
authorityKeyIdentifier = keyid
[no_san]
basicConstraints = critical, CA:FALSE
extendedKeyUsage = serverAuth
authorityKeyIdentifier = keyid
[client]
basicConstraints = critical, CA:FALSE
extendedKeyUsage = clientAuth
subjectAltName = DNS:localhost
authorityKeyIdentifier = keyid
CNF

# key NAME: an EC key (quick to make), and a request for it with CN.
req() {
	openssl req -config "$C/openssl.cnf" -new -newkey ec \
		-pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$C/$1.key" \
		-subj "/CN=$2" -out "$C/$1.csr" 2>>"$T/openssl.log"
}
# root NAME CN: a self-signed CA, NAME.pem.
root() {
	openssl req -config "$C/openssl.cnf" -x509 -extensions root -days 30 \
		-new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$C/$1.key" -subj "/CN=$2" -out "$C/$1.pem" \
		2>>"$T/openssl.log"
}
# sign NAME CN CA EXT: NAME.pem and NAME.der for CN, signed by CA, with EXT.
serial=1
sign() {
	serial=$((serial + 1))
	req "$1" "$2" &&
	openssl x509 -req -in "$C/$1.csr" -CA "$C/$3.pem" -CAkey "$C/$3.key" \
		-set_serial "$serial" -days 30 -extfile "$C/openssl.cnf" \
		-extensions "$4" -out "$C/$1.pem" 2>>"$T/openssl.log" &&
	der "$1"
}
# dated NAME CN CA START END: NAME.der, valid from START to END only.
dated() {
	req "$1" "$2" &&
	openssl ca -batch -config "$C/openssl.cnf" -cert "$C/$3.pem" \
		-keyfile "$C/$3.key" -extensions server -notext \
		-startdate "$4" -enddate "$5" -in "$C/$1.csr" -out "$C/$1.pem" \
		>>"$T/openssl.log" 2>&1 &&
	der "$1"
}
der() {
	openssl x509 -in "$C/$1.pem" -outform DER -out "$C/$1.der" 2>>"$T/openssl.log"
}

root ca1 "Test CA1" &&
root ca2 "Test CA2" &&
sign good localhost ca1 server &&
sign wrong wrong.example ca1 wrong &&
sign other localhost ca2 server &&
sign cnonly localhost ca1 no_san &&
sign cnsan localhost ca1 wrong &&
sign iponly localhost ca1 ip_only &&
sign wildcard "*.example.test" ca1 wildcard &&
sign client localhost ca1 client &&
sign inter "Test Intermediate" ca1 inter &&
sign viainter localhost inter server &&
sign byleaf localhost good server &&
dated expired localhost ca1 20200101000000Z 20200201000000Z &&
dated future localhost ca1 20990101000000Z 20991231000000Z &&
der ca1 ||
	{ echo "Bail out! openssl cannot make the certificates: $(tail -n 5 "$T/openssl.log")"; exit 99; }
cat "$C/ca1.pem" "$C/ca2.pem" > "$C/both.pem"

# check WANT-EXIT DESC CAFILE HOST [CERT...]: unit-tlscheck on C/CERT.der
# exits WANT-EXIT; its line is in $T/out.
check() {
	want=$1 desc=$2 ca=$3 host=$4
	shift 4
	set -- $(for c in "$@"; do echo "$C/$c.der"; done)
	exits "$want" "$desc" $MAILOPT_WRAPPER "$CHECK" "$ca" "$host" "$@"
}
out() {
	cat "$T/out"
}

check 0 "a leaf CA1 signed for localhost, checked for localhost" "$C/ca1.pem" localhost good
is "$(out)" ok "  ok"
check 0 "  for 127.0.0.1, an IP address it lists" "$C/ca1.pem" 127.0.0.1 good
is "$(out)" ok "  ok"
check 0 "  for ::1, an IPv6 address it lists" "$C/ca1.pem" ::1 good
check 0 "  for LOCALHOST: DNS names match whatever their case" "$C/ca1.pem" LOCALHOST good
check 1 "  for 127.0.0.2: fails" "$C/ca1.pem" 127.0.0.2 good
is "$(out)" "certificate is for another host name" "  another host"
check 1 "  for mail.localhost: fails" "$C/ca1.pem" mail.localhost good
check 0 "  with a CA file of two CAs" "$C/both.pem" localhost good

check 1 "a leaf for wrong.example, checked for localhost" "$C/ca1.pem" localhost wrong
is "$(out)" "certificate is for another host name" "  another host name"
check 0 "  and for wrong.example: passes" "$C/ca1.pem" wrong.example wrong
check 1 "CN=localhost, DNS name wrong.example: the CN is not read" "$C/ca1.pem" localhost cnsan
like "$(out)" "host name" "  another host name"
check 1 "CN=localhost, IP address 127.0.0.1 only: nor here" "$C/ca1.pem" localhost iponly
like "$(out)" "host name" "  another host name"
check 0 "  that leaf for 127.0.0.1" "$C/ca1.pem" 127.0.0.1 iponly
check 0 "CN=localhost and no alternative names: the CN is read" "$C/ca1.pem" localhost cnonly
check 0 "*.example.test for imap.example.test" "$C/ca1.pem" imap.example.test wildcard
check 1 "  not for a.imap.example.test" "$C/ca1.pem" a.imap.example.test wildcard
check 1 "  nor for example.test" "$C/ca1.pem" example.test wildcard

check 1 "a leaf CA2 signed, CA2 not in the CA file" "$C/ca1.pem" localhost other
is "$(out)" "certificate is not trusted (signer unknown)" "  not trusted"
check 0 "  with CA2 in it" "$C/both.pem" localhost other
check 1 "the system's CAs do not trust CA1" - localhost good
like "$(out)" "not trusted" "  not trusted"

check 1 "an expired leaf" "$C/ca1.pem" localhost expired
is "$(out)" "certificate has expired" "  expired"
check 1 "a leaf valid from 2099" "$C/ca1.pem" localhost future
is "$(out)" "certificate is not valid yet" "  not valid yet"

check 0 "leaf and intermediate, only the root in the CA file" "$C/ca1.pem" localhost viainter inter
is "$(out)" ok "  ok"
check 0 "  the root and another leaf sent between them" "$C/ca1.pem" localhost viainter ca1 wrong inter
check 1 "  the intermediate first: it is what must name the host" "$C/ca1.pem" localhost inter viainter
is "$(out)" "certificate is for another host name" "  another host name"
check 1 "  the leaf without its intermediate" "$C/ca1.pem" localhost viainter
is "$(out)" "certificate is not trusted (signer unknown)" "  not trusted"
check 1 "  checked for another host" "$C/ca1.pem" wrong.example viainter inter
is "$(out)" "certificate is for another host name" "  another host name"
check 1 "a leaf signed by a leaf" "$C/ca1.pem" localhost byleaf good
is "$(out)" "certificate is not trusted (signer is not a CA)" "  not trusted"
check 1 "an untrusted leaf for another host" "$C/ca1.pem" wrong.example other
is "$(out)" "certificate is not trusted (signer unknown); certificate is for another host name" "  both said"
check 1 "a client certificate" "$C/ca1.pem" localhost client
is "$(out)" "certificate is not for a TLS server" "  not for a server"

check 1 "a missing CA file" "$T/none.pem" localhost good
is "$(out)" "cannot read the CA file $T/none.pem: no such file or directory" "  says so"
check 1 "a directory as CA file" "$T" localhost good
is "$(out)" "cannot read the CA file $T: not a regular file" "  says so"
check 1 "a CA file in DER" "$C/ca1.der" localhost good
is "$(out)" "the CA file $C/ca1.der holds no PEM certificate" "  says so"
if [ "$(id -u)" != 0 ]; then
	cp "$C/ca1.pem" "$T/locked.pem"
	chmod 000 "$T/locked.pem"
	check 1 "a CA file nobody may read" "$T/locked.pem" localhost good
	is "$(out)" "cannot read the CA file $T/locked.pem: permission denied" "  says so"
else
	pass "# SKIP root reads any CA file"
fi
: > "$T/empty.pem"
check 1 "an empty CA file" "$T/empty.pem" localhost good
is "$(out)" "the CA file $T/empty.pem holds no PEM certificate" "  says so"

check 1 "an empty chain" "$C/ca1.pem" localhost
is "$(out)" "no certificate" "  no certificate"
check 1 "no host name" "$C/ca1.pem" "" good
is "$(out)" "no host name to check the certificate against" "  says so"
head -c 300 /dev/urandom > "$C/junk.der"
check 1 "a chain of junk after the leaf" "$C/ca1.pem" localhost good junk
like "$(out)" "cannot read certificate 2 of the chain: " "  which certificate"
: > "$C/empty.der"
check 1 "an empty certificate" "$C/ca1.pem" localhost empty
is "$(out)" "certificate 1 of the chain is empty" "  says so"
cp "$C/good.pem" "$C/pem.der"
check 1 "a PEM certificate where DER is due" "$C/ca1.pem" localhost pem
like "$(out)" "cannot read certificate 1 of the chain: " "  says so"
check 0 "sixteen certificates" "$C/ca1.pem" localhost good \
	inter inter inter inter inter inter inter inter inter inter inter inter inter inter inter
check 1 "seventeen" "$C/ca1.pem" localhost good \
	inter inter inter inter inter inter inter inter inter inter inter inter inter inter inter inter
is "$(out)" "certificate chain is too long (17, at most 16)" "  too long"

done_testing

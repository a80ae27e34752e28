"""Link previews over TLS: the connection goes to the checked address, the certificate and SNI are the name's."""

from __future__ import annotations

import datetime as dt
import ssl

import pytest

from bot.fetch.address_policy import DEFAULT_POLICY
from bot.fetch.preview import Failure, fetch_preview
from tests.unit.fetch.preview_site import names, serve


@pytest.fixture(scope="module")
def tls_site(tmp_path_factory):
    """The same pages over TLS, with a certificate for news.example.cn from a test CA; yields (port, CA file)."""
    x509 = pytest.importorskip("cryptography.x509")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    def cert(subject, issuer, public_key, signing_key, ca):
        now = dt.datetime.now(dt.timezone.utc)
        builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(public_key)
                   .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
                   .not_valid_after(now + dt.timedelta(days=1))
                   .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        if not ca:
            builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName("news.example.cn")]), False)
        return builder.sign(signing_key, hashes.SHA256())

    def name(text):
        return x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, text)])

    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_cert = cert(name("test CA"), name("test CA"), ca_key.public_key(), ca_key, True)
    leaf = cert(name("news.example.cn"), name("test CA"), key.public_key(), ca_key, False)
    folder = tmp_path_factory.mktemp("tls")
    (folder / "ca.pem").write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    (folder / "leaf.pem").write_bytes(leaf.public_bytes(serialization.Encoding.PEM) + key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "leaf.pem")
    context.sni_callback = lambda sock, server_name, ctx: SNI.append(server_name)
    with serve(wrap=lambda sock: context.wrap_socket(sock, server_side=True)) as port:
        yield port, str(folder / "ca.pem")


SNI = []  # the server names TLS clients asked for


def fetch(url, port, host, **kw):
    policy = DEFAULT_POLICY.allowing(("127.0.0.1", port))
    return fetch_preview(url, policy=policy, resolver=names({host: ["127.0.0.1"]}), **kw)


def test_tls_goes_to_the_checked_address_but_checks_the_certificate_and_sni_of_the_name(tls_site):
    port, ca = tls_site
    SNI.clear()
    result = fetch(f"https://news.example.cn:{port}/host", port, "news.example.cn", ca_certs=ca)
    assert result.title == f"news.example.cn:{port}"
    assert SNI == ["news.example.cn"]


def test_tls_to_a_name_the_certificate_does_not_cover_fails(tls_site):
    port, ca = tls_site
    result = fetch(f"https://other.example.cn:{port}/host", port, "other.example.cn", ca_certs=ca)
    assert (result.code, result.detail) == (Failure.CONNECT, "other.example.cn: SSLError")


def test_tls_with_an_untrusted_certificate_fails(tls_site):
    port, _ = tls_site
    result = fetch(f"https://news.example.cn:{port}/host", port, "news.example.cn")
    assert (result.code, result.detail) == (Failure.CONNECT, "news.example.cn: SSLError")

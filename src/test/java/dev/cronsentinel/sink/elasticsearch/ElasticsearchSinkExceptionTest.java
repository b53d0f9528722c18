package dev.cronsentinel.sink.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.security.cert.CertificateException;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class ElasticsearchSinkExceptionTest {

    @Test
    void transportFailuresAreRetryable() {
        assertThat(ElasticsearchSinkException.classify(new CompletionException(new ConnectException("Connection refused"))))
                .satisfies(e -> assertThat(e.retryable()).isTrue())
                .hasMessage("ConnectException: Connection refused");
        assertThat(ElasticsearchSinkException.classify(new HttpTimeoutException("request timed out")).retryable()).isTrue();
        // A handshake cut short by a node that is restarting says nothing about trust.
        assertThat(ElasticsearchSinkException.classify(new SSLHandshakeException("Remote host terminated the handshake"))
                .retryable()).isTrue();
    }

    @Test
    void anUntrustedCertificateIsFatalAndNamesTheCaKey() {
        SSLHandshakeException handshake = new SSLHandshakeException("PKIX path building failed");
        handshake.initCause(new CertificateException("unable to find valid certification path to requested target"));
        ElasticsearchSinkException e = ElasticsearchSinkException.classify(new CompletionException(handshake));
        assertThat(e.retryable()).isFalse();
        assertThat(e).hasMessageContaining("output.elasticsearch.tls.ca-file");
    }

    @Test
    void aSinkExceptionKeepsItsOwnVerdict() {
        ElasticsearchSinkException fatal = ElasticsearchSinkException.forStatus("_bulk", 401, null);
        assertThat(ElasticsearchSinkException.classify(new CompletionException(new CompletionException(fatal)))).isSameAs(fatal);
    }
}

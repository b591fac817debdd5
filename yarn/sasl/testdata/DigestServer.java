// DigestServer is the JDK's own DIGEST-MD5 SaslServer (the one Hadoop's RPC
// server uses) behind a tiny length-prefixed protocol on loopback, so the
// Go client in yarn/sasl is tested against it: interop_test.go runs
// `java DigestServer.java QOPS USER PASS` and reads the port from stdout.
//
// Protocol (every message a 4-byte big-endian length then bytes):
// server -> challenge; client -> response; server -> rspauth, then the
// negotiated qop; then, under auth-int/auth-conf, the client sends wrapped
// messages and the server answers each with wrap("echo:" + unwrapped),
// until the client closes.
import java.io.*;
import java.net.*;
import java.nio.charset.StandardCharsets;
import java.util.*;
import javax.security.auth.callback.*;
import javax.security.sasl.*;

public class DigestServer {
  static byte[] read(DataInputStream in) throws IOException {
    byte[] b = new byte[in.readInt()];
    in.readFully(b);
    return b;
  }

  static void write(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b.length);
    out.write(b);
    out.flush();
  }

  public static void main(String[] args) throws Exception {
    String qops = args[0], user = args[1], pass = args[2];
    ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    System.out.println(ss.getLocalPort());
    System.out.flush();
    Socket s = ss.accept();
    DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()));
    Map<String, String> props = new HashMap<>();
    props.put(Sasl.QOP, qops);
    CallbackHandler cbh = cbs -> {
      String name = null;
      for (Callback cb : cbs) {
        if (cb instanceof NameCallback) name = ((NameCallback) cb).getDefaultName();
      }
      for (Callback cb : cbs) {
        if (cb instanceof PasswordCallback) {
          if (!user.equals(name)) throw new IOException("unknown user " + name);
          ((PasswordCallback) cb).setPassword(pass.toCharArray());
        } else if (cb instanceof AuthorizeCallback) {
          ((AuthorizeCallback) cb).setAuthorized(true);
        } else if (cb instanceof RealmCallback) {
          RealmCallback rc = (RealmCallback) cb;
          rc.setText(rc.getDefaultText());
        }
      }
    };
    SaslServer srv = Sasl.createSaslServer("DIGEST-MD5", "", "default", props, cbh);
    write(out, srv.evaluateResponse(new byte[0]));
    byte[] rspauth;
    try {
      rspauth = srv.evaluateResponse(read(in));
    } catch (SaslException e) {
      write(out, ("ERROR " + e.getMessage()).getBytes(StandardCharsets.UTF_8));
      return;
    }
    write(out, rspauth);
    String qop = (String) srv.getNegotiatedProperty(Sasl.QOP);
    write(out, qop.getBytes(StandardCharsets.UTF_8));
    if (qop.equals("auth")) return;
    try {
      while (true) {
        byte[] w = read(in);
        byte[] m = srv.unwrap(w, 0, w.length);
        byte[] reply = ("echo:" + new String(m, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        write(out, srv.wrap(reply, 0, reply.length));
      }
    } catch (EOFException e) {
      // client done
    }
  }
}

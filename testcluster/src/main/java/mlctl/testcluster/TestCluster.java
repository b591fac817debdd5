package mlctl.testcluster;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivilegedExceptionAction;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.hdfs.HdfsConfiguration;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.minikdc.MiniKdc;
import org.apache.hadoop.net.NetUtils;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.apache.hadoop.yarn.server.nodemanager.NodeManager;

/**
 * One JVM: MiniKdc (Kerby) + secure MiniDFSCluster (1 DataNode) + secure MiniYARNCluster (1 NodeManager),
 * or the same topology without Kerberos ({@code --insecure}). Writes a gateway client's configuration,
 * krb5.conf, keytabs and cluster.json into {@code --dir}, prints {@code READY <cluster.json>} on stdout
 * and runs until SIGTERM/SIGINT. Start it through run.sh, which puts {@code DIR/conf} and
 * {@code DIR/server} on the classpath (the NodeManager's localizer and Hadoop's SSL set-up read their
 * configuration from classpath resources only).
 */
public final class TestCluster {

  static final String USAGE = String.join("\n",
      "usage: TestCluster --dir DIR [options]",
      "  --dir DIR                    output directory (conf/, keytabs, krb5.conf, cluster.json, work/)",
      "  --insecure                   simple authentication, no KDC (same topology)",
      "  --rpc-protection P           authentication | integrity | privacy (default authentication)",
      "  --transfer MODE              https: dfs.data.transfer.protection=authentication + HTTPS_ONLY (default)",
      "                               http:  ignore.secure.ports.for.testing=true + HTTP_ONLY",
      "  --realm REALM                Kerberos realm (default EXAMPLE.COM)",
      "  --user NAME                  test user with /user/NAME and NAME.keytab (default alice)",
      "  --truststore-type T          jks | pkcs12 for the generated key/trust stores (default jks)",
      "  --nm-memory-mb N             NodeManager memory (default 4096; also the max allocation)",
      "  --nm-vcores N                NodeManager vcores (default 4; also the max allocation)",
      "");

  // ---- options
  private File dir;
  private boolean secure = true;
  private String rpcProtection = "authentication";
  private boolean https = true;
  private String realm = "EXAMPLE.COM";
  private String user = "alice";
  private String storeType = "jks";
  private int nmMemoryMb = 4096;
  private int nmVcores = 4;

  // ---- state
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private volatile boolean stopping;
  private volatile String stopSignal;
  private MiniKdc kdc;
  private MiniDFSCluster dfs;
  private MiniYARNCluster yarn;
  private UserGroupInformation hdfsUgi;
  private UserGroupInformation yarnUgi;

  private File confDir;
  private File serverDir;
  private File workDir;
  private File hdfsKeytab;
  private File yarnKeytab;
  private File httpKeytab;
  private File userKeytab;
  private Certs.Result certs;

  // Strong references: java.util.logging forgets configured loggers that nobody holds.
  private static final java.util.logging.Logger JERSEY = java.util.logging.Logger.getLogger("com.sun.jersey");
  private static final java.util.logging.Logger GUICE = java.util.logging.Logger.getLogger("com.google.inject");

  public static void main(String[] args) {
    JERSEY.setLevel(java.util.logging.Level.SEVERE);
    GUICE.setLevel(java.util.logging.Level.WARNING);
    TestCluster tc = new TestCluster();
    try {
      tc.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("testcluster: " + e.getMessage());
      System.err.print(USAGE);
      System.exit(2);
    }
    System.exit(tc.run());
  }

  private void parse(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String v = null;
      int eq = a.indexOf('=');
      if (a.startsWith("--") && eq > 0) {
        v = a.substring(eq + 1);
        a = a.substring(0, eq);
      }
      switch (a) {
        case "-h":
        case "--help":
          System.out.print(USAGE);
          System.exit(0);
          break;
        case "--insecure":
          secure = false;
          break;
        case "--dir":
        case "--rpc-protection":
        case "--transfer":
        case "--realm":
        case "--user":
        case "--truststore-type":
        case "--nm-memory-mb":
        case "--nm-vcores":
          if (v == null) {
            if (i + 1 >= args.length) {
              throw new IllegalArgumentException(a + " needs a value");
            }
            v = args[++i];
          }
          option(a, v);
          break;
        default:
          throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (dir == null) {
      throw new IllegalArgumentException("--dir is required");
    }
  }

  private void option(String name, String v) {
    switch (name) {
      case "--dir":
        dir = new File(v).getAbsoluteFile();
        break;
      case "--rpc-protection":
        if (!List.of("authentication", "integrity", "privacy").contains(v)) {
          throw new IllegalArgumentException("--rpc-protection must be authentication, integrity or privacy");
        }
        rpcProtection = v;
        break;
      case "--transfer":
        if (!v.equals("https") && !v.equals("http")) {
          throw new IllegalArgumentException("--transfer must be https or http");
        }
        https = v.equals("https");
        break;
      case "--realm":
        if (!v.matches("[A-Z0-9.-]+")) {
          throw new IllegalArgumentException("--realm must be upper case, e.g. EXAMPLE.COM");
        }
        realm = v;
        break;
      case "--user":
        if (!v.matches("[a-z_][a-z0-9_-]*")) {
          throw new IllegalArgumentException("--user must be a plain lower-case user name");
        }
        user = v;
        break;
      case "--truststore-type":
        if (!v.equals("jks") && !v.equals("pkcs12")) {
          throw new IllegalArgumentException("--truststore-type must be jks or pkcs12");
        }
        storeType = v;
        break;
      case "--nm-memory-mb":
        nmMemoryMb = positive(name, v);
        break;
      case "--nm-vcores":
        nmVcores = positive(name, v);
        break;
      default:
        throw new IllegalArgumentException("unknown option " + name);
    }
  }

  private static int positive(String name, String v) {
    try {
      int n = Integer.parseInt(v);
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // fall through
    }
    throw new IllegalArgumentException(name + " must be a positive integer, not " + v);
  }

  /** A startup failure whose message says it all: no stack trace. */
  private static final class Fatal extends Exception {
    Fatal(String msg) {
      super(msg);
    }
  }

  private int run() {
    // Startup time counts from the JVM's start, class loading included.
    long t0 = ProcessHandle.current().info().startInstant()
        .map(java.time.Instant::toEpochMilli).orElse(System.currentTimeMillis());
    installSignalHandlers();
    String phase = "preparing " + dir;
    try {
      prepareDirs();
      phase = "checking the classpath";
      checkClasspath();
      if (secure) {
        phase = "starting the KDC";
        startKdc();
      }
      if (secure && https) {
        phase = "generating certificates";
        writeSsl();
      }
      checkStop();
      phase = "starting HDFS";
      startDfs();
      checkStop();
      phase = "creating HDFS directories";
      createDirs();
      phase = "writing core-site.xml and hdfs-site.xml";
      writeClientHdfsConf();
      checkStop();
      phase = "starting YARN";
      startYarn();
      checkStop();
      phase = "writing cluster.json";
      writeYarnSite();
      long startupMs = System.currentTimeMillis() - t0;
      File clusterJson = writeClusterJson(startupMs);
      System.out.println("READY " + clusterJson.getAbsolutePath());
      System.out.flush();
      log("up in " + startupMs + " ms; stop with SIGTERM or SIGINT (pid " + ProcessHandle.current().pid() + ")");
    } catch (Throwable e) {
      System.err.println("testcluster: startup failed while " + phase + ": " + describe(e));
      if (!(e instanceof StopRequested) && !(e instanceof Fatal)) {
        System.err.println("testcluster: details in " + new File(dir, "hadoop.log") + "; stack trace:");
        e.printStackTrace(System.err);
      }
      shutdown();
      return e instanceof StopRequested ? 130 : 1;
    }

    // Park the main thread; the signal handler only counts the latch down (no shutdown hook: Hadoop's
    // own hooks and services fail with "Shutdown in progress" when stopped from one).
    while (true) {
      try {
        stopRequested.await();
        break;
      } catch (InterruptedException ignored) {
        // keep waiting
      }
    }
    log("SIG" + stopSignal + ": stopping");
    long s0 = System.currentTimeMillis();
    shutdown();
    log("stopped in " + (System.currentTimeMillis() - s0) + " ms");
    new File(dir, "cluster.json").delete();
    return 0;
  }

  // ------------------------------------------------------------------ signals

  private void installSignalHandlers() {
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        handle(name);
      } catch (IllegalArgumentException e) {
        // e.g. SIGINT ignored by a non-interactive parent shell: SIGTERM still works
        log("cannot handle SIG" + name + ": " + e.getMessage());
      }
    }
  }

  private void handle(String name) {
    sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
      if (stopping) {
        // A second signal while stopping: give up on a clean stop.
        System.err.println("testcluster: second SIG" + sig.getName() + ", halting");
        Runtime.getRuntime().halt(130);
      }
      stopping = true;
      stopSignal = sig.getName();
      stopRequested.countDown();
    });
  }


  private static final class StopRequested extends RuntimeException {
    StopRequested(String sig) {
      super("SIG" + sig + " received during startup");
    }
  }

  private void checkStop() {
    if (stopping) {
      throw new StopRequested(stopSignal);
    }
  }

  // ------------------------------------------------------------------ directories

  private void prepareDirs() throws IOException, Fatal {
    dir.mkdirs();
    if (!dir.isDirectory()) {
      throw new Fatal("cannot create " + dir);
    }
    // A fresh cluster each time: stale site files on the classpath would point at old ports.
    for (String n : new String[] {"conf", "server", "work", "cluster.json", "krb5.conf", "ca.pem"}) {
      deleteTree(new File(dir, n).toPath());
    }
    try (Stream<Path> s = Files.list(dir.toPath())) {
      for (Path p : (Iterable<Path>) s::iterator) {
        if (p.getFileName().toString().endsWith(".keytab")) {
          Files.delete(p);
        }
      }
    }
    confDir = new File(dir, "conf");
    serverDir = new File(dir, "server");
    workDir = new File(dir, "work");
    confDir.mkdirs();
    serverDir.mkdirs();
    workDir.mkdirs();
    // MiniYARNCluster puts its NodeManager dirs under GenericTestUtils.getTestDir(), i.e. test.build.data.
    System.setProperty("test.build.data", new File(workDir, "yarn").getAbsolutePath());
    System.setProperty("hadoop.log.dir", new File(workDir, "logs").getAbsolutePath());
    System.setProperty("testcluster.hadoop.log", new File(dir, "hadoop.log").getAbsolutePath());
    if (System.getProperty("log4j.configuration") == null) {
      System.setProperty("log4j.configuration", "testcluster-log4j.properties");
    }
    writeCapacityScheduler();
  }

  /**
   * hadoop-yarn-server-tests ships a capacity-scheduler.xml with maximum-am-resource-percent 0.1
   * (about 400 MB of AMs on a 4 GB node); ours comes first on the classpath (DIR/server).
   */
  private void writeCapacityScheduler() throws IOException {
    Map<String, String> cs = new LinkedHashMap<>();
    cs.put("yarn.scheduler.capacity.maximum-applications", "10000");
    cs.put("yarn.scheduler.capacity.maximum-am-resource-percent", "0.5");
    cs.put("yarn.scheduler.capacity.resource-calculator",
        "org.apache.hadoop.yarn.util.resource.DefaultResourceCalculator");
    cs.put("yarn.scheduler.capacity.root.queues", "default");
    cs.put("yarn.scheduler.capacity.root.default.capacity", "100");
    cs.put("yarn.scheduler.capacity.root.default.user-limit-factor", "1");
    cs.put("yarn.scheduler.capacity.root.default.maximum-capacity", "100");
    cs.put("yarn.scheduler.capacity.root.default.state", "RUNNING");
    cs.put("yarn.scheduler.capacity.root.default.acl_submit_applications", "*");
    cs.put("yarn.scheduler.capacity.root.default.acl_administer_queue", "*");
    cs.put("yarn.scheduler.capacity.node-locality-delay", "-1");
    writeXml(new File(serverDir, "capacity-scheduler.xml"), cs);
  }

  private void checkClasspath() throws IOException, Fatal {
    String cp = System.getProperty("java.class.path", "");
    boolean conf = false;
    boolean server = false;
    for (String e : cp.split(File.pathSeparator)) {
      if (e.isEmpty()) {
        continue;
      }
      String canon = new File(e).getCanonicalPath();
      conf |= canon.equals(confDir.getCanonicalPath());
      server |= canon.equals(serverDir.getCanonicalPath());
    }
    if (!conf || !server) {
      throw new Fatal("the classpath must hold " + confDir + " and " + serverDir
          + " (the NodeManager's localizer and Hadoop's SSL set-up read classpath resources only); use run.sh");
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(q);
      }
    }
  }

  // ------------------------------------------------------------------ Kerberos

  private String principal(String p) {
    return p + "@" + realm;
  }

  private void startKdc() throws Exception {
    Properties kc = MiniKdc.createConf();
    kc.setProperty(MiniKdc.KDC_BIND_ADDRESS, "localhost");
    kc.setProperty(MiniKdc.KDC_PORT, "0");
    int dot = realm.indexOf('.');
    kc.setProperty(MiniKdc.ORG_NAME, dot > 0 ? realm.substring(0, dot) : realm);
    kc.setProperty(MiniKdc.ORG_DOMAIN, dot > 0 ? realm.substring(dot + 1) : "");
    File kdcDir = new File(workDir, "kdc");
    kdcDir.mkdirs();
    kdc = new MiniKdc(kc, kdcDir);
    kdc.start();
    if (!kdc.getRealm().equals(realm)) {
      throw new IllegalStateException("KDC realm " + kdc.getRealm() + " is not " + realm);
    }

    // Every principal is created once (random keys) and exported into the keytabs that need it.
    File all = new File(workDir, "all.keytab");
    kdc.createPrincipal(all, "hdfs/localhost", "yarn/localhost", "HTTP/localhost", user);
    hdfsKeytab = new File(dir, "hdfs.keytab");
    yarnKeytab = new File(dir, "yarn.keytab");
    httpKeytab = new File(dir, "HTTP.keytab");
    userKeytab = new File(dir, user + ".keytab");
    exportKeytab(hdfsKeytab, "hdfs/localhost", "HTTP/localhost");
    exportKeytab(yarnKeytab, "yarn/localhost", "HTTP/localhost");
    exportKeytab(httpKeytab, "HTTP/localhost");
    exportKeytab(userKeytab, user);
    all.delete();
    writeKrb5Conf();
    log("KDC " + realm + " on localhost:" + kdc.getPort());
  }

  /** MiniKdc exports only what it just created; reach its Kerby server to export existing principals. */
  private void exportKeytab(File keytab, String... principals) throws Exception {
    Object simpleKdc = field(kdc, "simpleKdc");
    Object kadmin = simpleKdc.getClass().getMethod("getKadmin").invoke(simpleKdc);
    Method export = kadmin.getClass().getMethod("exportKeytab", File.class, String.class);
    for (String p : principals) {
      export.invoke(kadmin, keytab, principal(p));
    }
    keytab.setReadable(false, false);
    keytab.setReadable(true, true);
  }

  /** MIT-compatible (krb5 1.20 rejects "kdc = tcp/host:port"; Kerby listens on TCP only). */
  private void writeKrb5Conf() throws IOException {
    String s = String.join("\n",
        "# written by mlctl testcluster",
        "[libdefaults]",
        "  default_realm = " + realm,
        "  udp_preference_limit = 1",
        "  dns_lookup_kdc = false",
        "  dns_lookup_realm = false",
        "  dns_canonicalize_hostname = false",
        "  rdns = false",
        "  ticket_lifetime = 24h",
        "  renew_lifetime = 7d",
        "  forwardable = true",
        "",
        "[realms]",
        "  " + realm + " = {",
        "    kdc = localhost:" + kdc.getPort(),
        "  }",
        "",
        "[domain_realm]",
        "  localhost = " + realm,
        "");
    write(new File(dir, "krb5.conf"), s);
  }

  // ------------------------------------------------------------------ SSL

  private static final String STORE_PASSWORD = "testcluster";

  private void writeSsl() throws Exception {
    String ext = storeType.equals("jks") ? ".jks" : ".p12";
    certs = Certs.generate(new File(dir, "ca.pem"), new File(serverDir, "keystore" + ext),
        new File(confDir, "truststore" + ext), storeType, STORE_PASSWORD);
    Map<String, String> server = new LinkedHashMap<>();
    server.put("ssl.server.keystore.location", certs.keystore.getAbsolutePath());
    server.put("ssl.server.keystore.password", STORE_PASSWORD);
    server.put("ssl.server.keystore.keypassword", STORE_PASSWORD);
    server.put("ssl.server.keystore.type", storeType);
    server.put("ssl.server.truststore.location", certs.truststore.getAbsolutePath());
    server.put("ssl.server.truststore.password", STORE_PASSWORD);
    server.put("ssl.server.truststore.type", storeType);
    server.put("ssl.server.truststore.reload.interval", "10000");
    writeXml(new File(serverDir, "ssl-server.xml"), server);

    Map<String, String> client = new LinkedHashMap<>();
    client.put("ssl.client.truststore.location", certs.truststore.getAbsolutePath());
    client.put("ssl.client.truststore.password", STORE_PASSWORD);
    client.put("ssl.client.truststore.type", storeType);
    client.put("ssl.client.truststore.reload.interval", "10000");
    writeXml(new File(confDir, "ssl-client.xml"), client);
    Files.copy(certs.caPem.toPath(), new File(confDir, "ca.pem").toPath());
  }

  // ------------------------------------------------------------------ configuration

  /** Settings shared by HDFS, YARN and the in-JVM clients. */
  private void common(Configuration c) {
    c.set("hadoop.security.authentication", secure ? "kerberos" : "simple");
    c.setBoolean("hadoop.security.authorization", secure);
    c.set("hadoop.rpc.protection", rpcProtection);
    // No OS accounts exist for the service and test users: map their groups statically.
    c.set("hadoop.user.group.static.mapping.overrides",
        "dr.who=;hdfs=supergroup;yarn=supergroup;HTTP=;" + user + "=" + user);
    if (secure) {
      c.set("hadoop.security.auth_to_local", "RULE:[1:$1]\nRULE:[2:$1]\nDEFAULT");
      // SPNEGO on every web server (WebHDFS needs the hadoop.http.* keys too in 3.4).
      c.set("hadoop.http.filter.initializers", "org.apache.hadoop.security.AuthenticationFilterInitializer");
      c.set("hadoop.http.authentication.type", "kerberos");
      c.set("hadoop.http.authentication.kerberos.principal", principal("HTTP/localhost"));
      c.set("hadoop.http.authentication.kerberos.keytab", httpKeytab.getAbsolutePath());
      c.setBoolean("hadoop.http.authentication.simple.anonymous.allowed", false);
    } else {
      // ?user.name=NAME identifies the caller on the RM REST API and WebHDFS.
      c.set("hadoop.http.filter.initializers", "org.apache.hadoop.security.AuthenticationFilterInitializer");
      c.set("hadoop.http.authentication.type", "simple");
      c.setBoolean("hadoop.http.authentication.simple.anonymous.allowed", true);
    }
    File secret = new File(serverDir, "http-signature-secret");
    c.set("hadoop.http.authentication.signature.secret.file", secret.getAbsolutePath());
  }

  private void startDfs() throws Exception {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    Files.write(new File(serverDir, "http-signature-secret").toPath(),
        java.util.HexFormat.of().formatHex(secret).getBytes(StandardCharsets.US_ASCII));

    HdfsConfiguration c = new HdfsConfiguration();
    common(c);
    c.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, new File(workDir, "dfs").getAbsolutePath());
    c.setInt("dfs.replication", 1);
    c.set("dfs.namenode.rpc-address", "localhost:0");
    c.set("dfs.namenode.http-address", "localhost:0");
    c.set("dfs.namenode.https-address", "localhost:0");
    c.set("dfs.datanode.https.address", "localhost:0");
    c.set("dfs.namenode.secondary.http-address", "localhost:0");
    c.set("dfs.namenode.secondary.https-address", "localhost:0");
    c.setBoolean("dfs.webhdfs.enabled", true);
    c.setBoolean("dfs.permissions.enabled", true);
    if (secure) {
      c.set("dfs.namenode.kerberos.principal", principal("hdfs/localhost"));
      c.set("dfs.namenode.keytab.file", hdfsKeytab.getAbsolutePath());
      c.set("dfs.datanode.kerberos.principal", principal("hdfs/localhost"));
      c.set("dfs.datanode.keytab.file", hdfsKeytab.getAbsolutePath());
      c.set("dfs.web.authentication.kerberos.principal", principal("HTTP/localhost"));
      c.set("dfs.web.authentication.kerberos.keytab", httpKeytab.getAbsolutePath());
      c.setBoolean("dfs.block.access.token.enable", true);
      c.setInt("ipc.client.connect.max.retries.on.sasl", 10);
      if (https) {
        c.set("dfs.data.transfer.protection", "authentication");
        c.set("dfs.http.policy", "HTTPS_ONLY");
        c.set("dfs.client.https.keystore.resource", "ssl-client.xml");
        c.set("dfs.https.server.keystore.resource", "ssl-server.xml");
        c.set("hadoop.ssl.client.conf", "ssl-client.xml");
        c.set("hadoop.ssl.server.conf", "ssl-server.xml");
      } else {
        c.setBoolean("ignore.secure.ports.for.testing", true);
        c.set("dfs.http.policy", "HTTP_ONLY");
      }
      UserGroupInformation.setConfiguration(c);
      hdfsUgi = UserGroupInformation.loginUserFromKeytabAndReturnUGI(principal("hdfs/localhost"),
          hdfsKeytab.getAbsolutePath());
    } else {
      c.set("dfs.http.policy", "HTTP_ONLY");
      UserGroupInformation.setConfiguration(c);
      hdfsUgi = UserGroupInformation.createRemoteUser("hdfs");
    }
    // With Kerberos but no SASL data transfer, MiniDFSCluster first probes for privileged DataNode ports
    // and prints the expected failure ("Unable to bind on specified streaming port in secure context")
    // to System.err before carrying on with ignore.secure.ports.for.testing. Keep that probe off stderr.
    java.io.ByteArrayOutputStream probe = new java.io.ByteArrayOutputStream();
    java.io.PrintStream realErr = System.err;
    boolean filter = secure && !https;
    if (filter) {
      System.setErr(new java.io.PrintStream(probe, true, StandardCharsets.UTF_8));
    }
    try {
      dfs = hdfsUgi.doAs((PrivilegedExceptionAction<MiniDFSCluster>) () ->
          new MiniDFSCluster.Builder(c).numDataNodes(1).format(true).build());
    } finally {
      if (filter) {
        System.setErr(realErr);
        String out = probe.toString(StandardCharsets.UTF_8);
        boolean expected = out.contains("Unable to bind on specified streaming port in secure context");
        if (!out.isEmpty() && !expected) {
          realErr.print(out);
        } else if (!out.isEmpty()) {
          org.apache.log4j.Logger.getLogger(TestCluster.class).info("MiniDFSCluster secure-port probe: " + out);
        }
      }
    }
    hdfsUgi.doAs((PrivilegedExceptionAction<Void>) () -> {
      dfs.waitActive(); // asks for a datanode report: superuser (hdfs) only
      return null;
    });
    log("HDFS up: " + dfs.getURI() + " (namenode web " + nnWebAddress() + ")");
  }

  private int nnRpcPort() {
    return dfs.getNameNode().getNameNodeAddress().getPort();
  }

  private String nnWebAddress() {
    InetSocketAddress a = (secure && https) ? dfs.getNameNode().getHttpsAddress()
        : dfs.getNameNode().getHttpAddress();
    return "localhost:" + a.getPort();
  }

  private String webhdfsUrl() {
    return ((secure && https) ? "https://" : "http://") + nnWebAddress();
  }

  private void createDirs() throws Exception {
    hdfsUgi.doAs((PrivilegedExceptionAction<Void>) () -> {
      FileSystem fs = dfs.getFileSystem();
      org.apache.hadoop.fs.Path home = new org.apache.hadoop.fs.Path("/user/" + user);
      fs.mkdirs(home);
      fs.setPermission(new org.apache.hadoop.fs.Path("/user"), new FsPermission((short) 0755));
      fs.setOwner(home, user, user);
      fs.setPermission(home, new FsPermission((short) 0755));
      org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path("/tmp");
      fs.mkdirs(tmp);
      fs.setPermission(tmp, new FsPermission((short) 01777));
      return null;
    });
  }

  /** core-site.xml and hdfs-site.xml: what a gateway client needs (also read by the NM localizer). */
  private void writeClientHdfsConf() throws IOException {
    Map<String, String> core = new LinkedHashMap<>();
    core.put("fs.defaultFS", "hdfs://localhost:" + nnRpcPort());
    core.put("hadoop.security.authentication", secure ? "kerberos" : "simple");
    core.put("hadoop.security.authorization", Boolean.toString(secure));
    core.put("hadoop.rpc.protection", rpcProtection);
    if (secure) {
      core.put("hadoop.security.auth_to_local", "RULE:[1:$1]\nRULE:[2:$1]\nDEFAULT");
    }
    core.put("hadoop.user.group.static.mapping.overrides",
        "dr.who=;hdfs=supergroup;yarn=supergroup;HTTP=;" + user + "=" + user);
    if (secure && https) {
      core.put("hadoop.ssl.client.conf", "ssl-client.xml");
    }
    writeXml(new File(confDir, "core-site.xml"), core);

    Map<String, String> hdfs = new LinkedHashMap<>();
    hdfs.put("dfs.namenode.rpc-address", "localhost:" + nnRpcPort());
    if (secure && https) {
      hdfs.put("dfs.namenode.https-address", nnWebAddress());
    } else {
      hdfs.put("dfs.namenode.http-address", nnWebAddress());
    }
    hdfs.put("dfs.http.policy", (secure && https) ? "HTTPS_ONLY" : "HTTP_ONLY");
    hdfs.put("dfs.replication", "1");
    hdfs.put("dfs.webhdfs.enabled", "true");
    if (secure) {
      hdfs.put("dfs.namenode.kerberos.principal", principal("hdfs/localhost"));
      hdfs.put("dfs.datanode.kerberos.principal", principal("hdfs/localhost"));
      hdfs.put("dfs.web.authentication.kerberos.principal", principal("HTTP/localhost"));
      hdfs.put("dfs.block.access.token.enable", "true");
      if (https) {
        hdfs.put("dfs.data.transfer.protection", "authentication");
        hdfs.put("dfs.client.https.keystore.resource", "ssl-client.xml");
      }
    }
    writeXml(new File(confDir, "hdfs-site.xml"), hdfs);
  }

  private void startYarn() throws Exception {
    YarnConfiguration c = new YarnConfiguration(new HdfsConfiguration(dfs.getConfiguration(0)));
    common(c);
    c.set("fs.defaultFS", "hdfs://localhost:" + nnRpcPort());
    c.set("yarn.resourcemanager.hostname", "localhost");
    c.set("yarn.http.policy", "HTTP_ONLY");
    c.set("yarn.nodemanager.container-executor.class",
        "org.apache.hadoop.yarn.server.nodemanager.DefaultContainerExecutor");
    c.setInt("yarn.scheduler.minimum-allocation-mb", 128);
    c.setInt("yarn.scheduler.maximum-allocation-mb", nmMemoryMb);
    c.setInt("yarn.scheduler.minimum-allocation-vcores", 1);
    c.setInt("yarn.scheduler.maximum-allocation-vcores", nmVcores);
    c.setInt(YarnConfiguration.YARN_MINICLUSTER_NM_PMEM_MB, nmMemoryMb);
    c.setInt("yarn.nodemanager.resource.memory-mb", nmMemoryMb);
    c.setInt("yarn.nodemanager.resource.cpu-vcores", nmVcores);
    c.setFloat("yarn.scheduler.capacity.maximum-am-resource-percent", 0.5f);
    c.setBoolean("yarn.nodemanager.pmem-check-enabled", false);
    c.setBoolean("yarn.nodemanager.vmem-check-enabled", false);
    c.setBoolean("yarn.log-aggregation-enable", false);
    c.setFloat("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", 99.9f);
    c.setLong("yarn.resourcemanager.application-timeouts.monitor.interval-ms", 1000);
    c.setInt("yarn.nodemanager.delete.debug-delay-sec", 0);
    c.setLong("yarn.nodemanager.process-kill-wait.ms", 500);
    c.setLong("yarn.nodemanager.sleep-delay-before-sigkill.ms", 100);
    c.setBoolean("yarn.timeline-service.enabled", false);
    // MiniYARNCluster's default for this is a bare local path, which fs.defaultFS turns into an HDFS path.
    c.set("yarn.node-attribute.fs-store.root-dir", new File(workDir, "nodeattributes").toURI().toString());
    if (secure) {
      c.set("yarn.resourcemanager.principal", principal("yarn/localhost"));
      c.set("yarn.resourcemanager.keytab", yarnKeytab.getAbsolutePath());
      c.set("yarn.nodemanager.principal", principal("yarn/localhost"));
      c.set("yarn.nodemanager.keytab", yarnKeytab.getAbsolutePath());
      c.set("yarn.resourcemanager.webapp.spnego-principal", principal("HTTP/localhost"));
      c.set("yarn.resourcemanager.webapp.spnego-keytab-file", httpKeytab.getAbsolutePath());
      c.set("yarn.nodemanager.webapp.spnego-principal", principal("HTTP/localhost"));
      c.set("yarn.nodemanager.webapp.spnego-keytab-file", httpKeytab.getAbsolutePath());
      c.setBoolean("yarn.resourcemanager.webapp.delegation-token-auth-filter.enabled", true);
      // MiniYARNCluster's RM and NM do no keytab login: they run as the login user. After the
      // NameNode's login that is hdfs; the RM must renew tokens as yarn.
      UserGroupInformation.setConfiguration(c);
      UserGroupInformation.loginUserFromKeytab(principal("yarn/localhost"), yarnKeytab.getAbsolutePath());
      yarnUgi = UserGroupInformation.getLoginUser();
    } else {
      yarnUgi = UserGroupInformation.createRemoteUser("yarn");
    }
    // NM web UI off: in one JVM it would take over the RM web app (REST answers 404).
    yarn = new MiniYARNCluster("testcluster", 1, 1, 1, false);
    yarnUgi.doAs((PrivilegedExceptionAction<Void>) () -> {
      yarn.init(c);
      yarn.start();
      return null;
    });
    if (!yarn.waitForNodeManagersToConnect(20000)) {
      throw new IllegalStateException("the NodeManager did not register with the ResourceManager");
    }
    log("YARN up: RM web " + rmConf("yarn.resourcemanager.webapp.address")
        + ", scheduler " + rmConf("yarn.resourcemanager.scheduler.address") + ", NM " + nmAddress());
  }

  private String rmConf(String key) {
    return yarn.getResourceManager().getConfig().get(key);
  }

  private int port(String hostPort) {
    return NetUtils.createSocketAddr(hostPort).getPort();
  }

  private String local(String key) {
    return "localhost:" + port(rmConf(key));
  }

  private String nmAddress() {
    NodeManager nm = yarn.getNodeManager(0);
    return "localhost:" + nm.getNMContext().getNodeId().getPort();
  }

  private void writeYarnSite() throws IOException {
    Map<String, String> y = new LinkedHashMap<>();
    y.put("yarn.resourcemanager.hostname", "localhost");
    y.put("yarn.resourcemanager.address", local("yarn.resourcemanager.address"));
    y.put("yarn.resourcemanager.scheduler.address", local("yarn.resourcemanager.scheduler.address"));
    y.put("yarn.resourcemanager.resource-tracker.address", local("yarn.resourcemanager.resource-tracker.address"));
    y.put("yarn.resourcemanager.admin.address", local("yarn.resourcemanager.admin.address"));
    y.put("yarn.resourcemanager.webapp.address", local("yarn.resourcemanager.webapp.address"));
    y.put("yarn.http.policy", "HTTP_ONLY");
    y.put("yarn.scheduler.minimum-allocation-mb", "128");
    y.put("yarn.scheduler.maximum-allocation-mb", Integer.toString(nmMemoryMb));
    y.put("yarn.scheduler.maximum-allocation-vcores", Integer.toString(nmVcores));
    if (secure) {
      y.put("yarn.resourcemanager.principal", principal("yarn/localhost"));
      y.put("yarn.nodemanager.principal", principal("yarn/localhost"));
      y.put("yarn.resourcemanager.webapp.spnego-principal", principal("HTTP/localhost"));
      y.put("yarn.resourcemanager.webapp.delegation-token-auth-filter.enabled", "true");
    }
    writeXml(new File(confDir, "yarn-site.xml"), y);
  }

  private File writeClusterJson(long startupMs) throws IOException {
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("secure", secure);
    j.put("realm", secure ? realm : "");
    j.put("kdc", secure ? "localhost:" + kdc.getPort() : "");
    j.put("krb5_conf", secure ? new File(dir, "krb5.conf").getAbsolutePath() : "");
    j.put("user", user);
    j.put("user_principal", secure ? principal(user) : "");
    j.put("user_keytab", secure ? userKeytab.getAbsolutePath() : "");
    j.put("fs_default_fs", "hdfs://localhost:" + nnRpcPort());
    j.put("namenode_rpc", "localhost:" + nnRpcPort());
    j.put("webhdfs", webhdfsUrl());
    j.put("rm_webapp", "http://" + local("yarn.resourcemanager.webapp.address"));
    j.put("rm_address", local("yarn.resourcemanager.address"));
    j.put("rm_scheduler", local("yarn.resourcemanager.scheduler.address"));
    j.put("rm_admin", local("yarn.resourcemanager.admin.address"));
    j.put("nm_address", nmAddress());
    j.put("nm_node_id", yarn.getNodeManager(0).getNMContext().getNodeId().toString());
    j.put("conf_dir", confDir.getAbsolutePath());
    j.put("rpc_protection", rpcProtection);
    j.put("http_policy", (secure && https) ? "HTTPS_ONLY" : "HTTP_ONLY");
    j.put("data_transfer_protection", (secure && https) ? "authentication" : "");
    j.put("ca_pem", certs != null ? certs.caPem.getAbsolutePath() : "");
    j.put("truststore", certs != null ? certs.truststore.getAbsolutePath() : "");
    j.put("truststore_type", certs != null ? certs.storeType : "");
    j.put("truststore_password", certs != null ? certs.password : "");
    j.put("namenode_principal", secure ? principal("hdfs/localhost") : "");
    j.put("rm_principal", secure ? principal("yarn/localhost") : "");
    j.put("http_principal", secure ? principal("HTTP/localhost") : "");
    j.put("token_renewer", secure ? "yarn" : "");
    j.put("keytabs", secure ? Map.of(
        "hdfs", hdfsKeytab.getAbsolutePath(),
        "yarn", yarnKeytab.getAbsolutePath(),
        "HTTP", httpKeytab.getAbsolutePath()) : Map.of());
    j.put("nm_local_dirs", yarn.getNodeManager(0).getConfig().get("yarn.nodemanager.local-dirs"));
    j.put("nm_log_dirs", yarn.getNodeManager(0).getConfig().get("yarn.nodemanager.log-dirs"));
    j.put("hadoop_version", org.apache.hadoop.util.VersionInfo.getVersion());
    j.put("pid", ProcessHandle.current().pid());
    j.put("startup_ms", startupMs);
    File f = new File(dir, "cluster.json");
    File tmp = new File(dir, "cluster.json.tmp");
    write(tmp, toJson(j, "") + "\n");
    Files.move(tmp.toPath(), f.toPath(), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return f;
  }

  // ------------------------------------------------------------------ shutdown

  private void shutdown() {
    stopping = true;
    quietStderr();
    // If a stop hangs, do not keep the caller waiting forever.
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(60_000);
        System.err.println("testcluster: stop took over 60 s, halting");
        Runtime.getRuntime().halt(1);
      } catch (InterruptedException ignored) {
        // stopped in time
      }
    }, "stop-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    if (yarn != null) {
      dropPendingLogDeletions();
      try {
        if (yarnUgi != null) {
          yarnUgi.doAs((PrivilegedExceptionAction<Void>) () -> {
            yarn.stop();
            return null;
          });
        } else {
          yarn.stop();
        }
      } catch (Throwable e) {
        System.err.println("testcluster: stopping YARN: " + describe(e));
      }
    }
    if (dfs != null) {
      try {
        dfs.shutdown();
      } catch (Throwable e) {
        System.err.println("testcluster: stopping HDFS: " + describe(e));
      }
    }
    if (kdc != null) {
      try {
        kdc.stop();
      } catch (Throwable e) {
        System.err.println("testcluster: stopping the KDC: " + describe(e));
      }
    }
    watchdog.interrupt();
  }

  /**
   * The NodeManager schedules the deletion of each finished application's logs (retain-seconds later)
   * and, when stopped, waits 10 s for that scheduler to drain. The logs die with the work dir anyway:
   * drop the pending deletions so a stop after running applications stays fast.
   */
  private void dropPendingLogDeletions() {
    try {
      Object cm = yarn.getNodeManager(0).getNMContext().getContainerManager();
      Object handler = field(cm, "logHandler");
      Object sched = field(handler, "sched");
      if (sched instanceof java.util.concurrent.ScheduledThreadPoolExecutor) {
        ((java.util.concurrent.ScheduledThreadPoolExecutor) sched)
            .setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
      }
    } catch (Throwable ignored) {
      // another log handler or Hadoop version: the stop is only slower
    }
  }

  // ------------------------------------------------------------------ helpers

  /** A declared field of the object's class or of a superclass. */
  private static Object field(Object o, String name) throws ReflectiveOperationException {
    for (Class<?> k = o.getClass(); k != null; k = k.getSuperclass()) {
      try {
        Field f = k.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
      } catch (NoSuchFieldException e) {
        // look further up
      }
    }
    throw new NoSuchFieldException(o.getClass().getName() + "." + name);
  }

  /** Stopping services log interrupted sleeps at ERROR: keep them in hadoop.log, off stderr. */
  private static void quietStderr() {
    try {
      org.apache.log4j.Appender a = org.apache.log4j.Logger.getRootLogger().getAppender("stderr");
      if (a instanceof org.apache.log4j.AppenderSkeleton) {
        ((org.apache.log4j.AppenderSkeleton) a).setThreshold(org.apache.log4j.Level.OFF);
      }
    } catch (Throwable ignored) {
      // another logging set-up: nothing to quiet
    }
  }

  private static void log(String msg) {
    System.err.println("testcluster: " + msg);
  }

  /** The chain of causes, first line of each message (RemoteExceptions carry the server's trace). */
  private static String describe(Throwable e) {
    if (e instanceof Fatal || e instanceof StopRequested) {
      return e.getMessage();
    }
    StringBuilder b = new StringBuilder(firstLine(e));
    Throwable c = e.getCause();
    for (int i = 0; c != null && i < 5; i++, c = c.getCause()) {
      b.append("\n  caused by: ").append(firstLine(c));
    }
    return b.toString();
  }

  private static String firstLine(Throwable e) {
    String s = String.valueOf(e);
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static void write(File f, String s) throws IOException {
    Files.write(f.toPath(), s.getBytes(StandardCharsets.UTF_8));
  }

  private static void writeXml(File f, Map<String, String> props) throws IOException {
    StringBuilder b = new StringBuilder();
    b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    b.append("<!-- written by mlctl testcluster -->\n<configuration>\n");
    for (Map.Entry<String, String> e : props.entrySet()) {
      b.append("  <property><name>").append(xml(e.getKey())).append("</name><value>")
          .append(xml(e.getValue())).append("</value></property>\n");
    }
    b.append("</configuration>\n");
    write(f, b.toString());
  }

  private static String xml(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  @SuppressWarnings("unchecked")
  private static String toJson(Object v, String indent) {
    if (v instanceof Map) {
      // LinkedHashMaps keep their order; other maps are sorted.
      Map<String, Object> m = v instanceof LinkedHashMap ? (Map<String, Object>) v
          : new java.util.TreeMap<>((Map<String, Object>) v);
      if (m.isEmpty()) {
        return "{}";
      }
      List<String> parts = new ArrayList<>();
      for (Map.Entry<String, Object> e : m.entrySet()) {
        parts.add(indent + "  " + jsonString(e.getKey()) + ": " + toJson(e.getValue(), indent + "  "));
      }
      return "{\n" + String.join(",\n", parts) + "\n" + indent + "}";
    }
    if (v instanceof Boolean || v instanceof Number) {
      return v.toString();
    }
    return v == null ? "null" : jsonString(v.toString());
  }

  private static String jsonString(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '"': b.append("\\\""); break;
        case '\\': b.append("\\\\"); break;
        case '\n': b.append("\\n"); break;
        case '\r': b.append("\\r"); break;
        case '\t': b.append("\\t"); break;
        default:
          if (ch < 0x20) {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
          } else {
            b.append(ch);
          }
      }
    }
    return b.append('"').toString();
  }
}

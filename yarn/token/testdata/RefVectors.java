// RefVectors prints reference encodings made by Hadoop 3.4.1's own classes,
// one "name=hex-or-text" a line. Its output is committed as hadoop-3.4.1.txt
// beside it, and the Go tests of yarn/token, yarn/ipc, yarn/amrm and yarn/nm
// compare their encoders and decoders with it. Regenerate with the jars the
// testcluster harness downloads:
//
//   java -cp "$(cat testcluster/target/classpath.txt)" yarn/token/testdata/RefVectors.java \
//     > yarn/token/testdata/hadoop-3.4.1.txt
import java.io.*;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.io.*;
import org.apache.hadoop.security.Credentials;
import org.apache.hadoop.security.token.Token;
import org.apache.hadoop.security.token.TokenIdentifier;
import org.apache.hadoop.ipc.protobuf.RpcHeaderProtos.*;
import org.apache.hadoop.ipc.protobuf.IpcConnectionContextProtos.*;
import org.apache.hadoop.ipc.protobuf.ProtobufRpcEngine2Protos.RequestHeaderProto;
import org.apache.hadoop.thirdparty.protobuf.ByteString;
import org.apache.hadoop.yarn.api.records.*;
import org.apache.hadoop.yarn.security.AMRMTokenIdentifier;
import org.apache.hadoop.yarn.security.NMTokenIdentifier;
import org.apache.hadoop.yarn.proto.YarnProtos.*;
import org.apache.hadoop.yarn.proto.YarnServiceProtos.*;
import org.apache.hadoop.security.proto.SecurityProtos.TokenProto;

public class RefVectors {
  static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (byte x : b) sb.append(String.format("%02x", x));
    return sb.toString();
  }
  static void p(String k, String v) { System.out.println(k + "=" + v); }

  public static void main(String[] a) throws Exception {
    long[] vs = {0, 1, -1, 127, -112, 128, -113, 255, 256, -129, 65535, 1L << 31, -(1L << 31),
        Long.MAX_VALUE, Long.MIN_VALUE, 1700000000000L};
    for (long v : vs) {
      DataOutputBuffer o = new DataOutputBuffer();
      WritableUtils.writeVLong(o, v);
      p("vlong." + v, hex(java.util.Arrays.copyOf(o.getData(), o.getLength())));
    }

    Token<TokenIdentifier> t1 = new Token<>("ident-\u00e9".getBytes(StandardCharsets.UTF_8),
        new byte[] {1, 2, 3, (byte) 0xff}, new Text("HDFS_DELEGATION_TOKEN"), new Text("127.0.0.1:8020"));
    p("token.url", t1.encodeToUrlString());
    DataOutputBuffer o = new DataOutputBuffer();
    t1.write(o);
    p("token.writable", hex(java.util.Arrays.copyOf(o.getData(), o.getLength())));

    Token<TokenIdentifier> t2 = new Token<>(new byte[200], new byte[20], new Text("YARN_AM_RM_TOKEN"), new Text(""));
    Credentials c = new Credentials();
    c.addToken(new Text("hdfs-dt"), t1);
    c.addToken(new Text(""), t2);
    c.addSecretKey(new Text("k"), "secret".getBytes(StandardCharsets.UTF_8));
    for (Credentials.SerializedFormat f : Credentials.SerializedFormat.values()) {
      ByteArrayOutputStream bo = new ByteArrayOutputStream();
      c.writeTokenStorageToStream(new DataOutputStream(bo), f);
      p("hdts." + f, hex(bo.toByteArray()));
    }

    ApplicationId app = ApplicationId.newInstance(1700000000000L, 7);
    ApplicationAttemptId att = ApplicationAttemptId.newInstance(app, 2);
    p("amrmid", hex(new AMRMTokenIdentifier(att, 42).getBytes()));
    p("nmid", hex(new NMTokenIdentifier(att, NodeId.newInstance("127.0.0.1", 45454), "alice", 3).getBytes()));
    p("attempt.string", att.toString());
    p("app.string", app.toString());
    p("container.string", ContainerId.newContainerId(att, 12).toString());
    p("container.epoch.string", ContainerId.newContainerId(att, (5L << 40) | 12).toString());
    p("container.epoch.proto", hex(((org.apache.hadoop.yarn.api.records.impl.pb.ContainerIdPBImpl)
        ContainerId.newContainerId(att, (5L << 40) | 12)).getProto().toByteArray()));

    p("rpc.sasl.header", hex(RpcRequestHeaderProto.newBuilder().setRpcKind(RpcKindProto.RPC_PROTOCOL_BUFFER)
        .setRpcOp(RpcRequestHeaderProto.OperationProto.RPC_FINAL_PACKET).setCallId(-33)
        .setClientId(ByteString.EMPTY).setRetryCount(-1).build().toByteArray()));
    byte[] cid = new byte[16];
    for (int i = 0; i < 16; i++) cid[i] = (byte) i;
    p("rpc.call5.header", hex(RpcRequestHeaderProto.newBuilder().setRpcKind(RpcKindProto.RPC_PROTOCOL_BUFFER)
        .setRpcOp(RpcRequestHeaderProto.OperationProto.RPC_FINAL_PACKET).setCallId(5)
        .setClientId(ByteString.copyFrom(cid)).setRetryCount(0).build().toByteArray()));
    p("rpc.response.sasl", hex(RpcResponseHeaderProto.newBuilder().setCallId(-33)
        .setStatus(RpcResponseHeaderProto.RpcStatusProto.SUCCESS).build().toByteArray()));
    p("rpc.context", hex(IpcConnectionContextProto.newBuilder()
        .setUserInfo(UserInformationProto.newBuilder().build())
        .setProtocol("org.apache.hadoop.yarn.api.ApplicationMasterProtocolPB").build().toByteArray()));
    p("rpc.method", hex(RequestHeaderProto.newBuilder().setMethodName("allocate")
        .setDeclaringClassProtocolName("org.apache.hadoop.yarn.api.ApplicationMasterProtocolPB")
        .setClientProtocolVersion(1).build().toByteArray()));
    p("rpc.sasl.negotiate", hex(RpcSaslProto.newBuilder().setState(RpcSaslProto.SaslState.NEGOTIATE).build().toByteArray()));
    p("rpc.sasl.initiate", hex(RpcSaslProto.newBuilder().setState(RpcSaslProto.SaslState.INITIATE)
        .setToken(ByteString.copyFromUtf8("resp"))
        .addAuths(RpcSaslProto.SaslAuth.newBuilder().setMethod("TOKEN").setMechanism("DIGEST-MD5")
            .setProtocol("").setServerId("default")).build().toByteArray()));

    p("amrm.register", hex(RegisterApplicationMasterRequestProto.newBuilder().setHost("127.0.0.1")
        .setRpcPort(0).setTrackingUrl("https://127.0.0.1:8443/").build().toByteArray()));
    ResourceRequestProto ask = ResourceRequestProto.newBuilder()
        .setPriority(PriorityProto.newBuilder().setPriority(1))
        .setResourceName("*")
        .setCapability(ResourceProto.newBuilder().setMemory(1024).setVirtualCores(2))
        .setNumContainers(3).setRelaxLocality(true).build();
    ContainerIdProto rel = ((org.apache.hadoop.yarn.api.records.impl.pb.ContainerIdPBImpl)
        ContainerId.newContainerId(att, 4)).getProto();
    p("amrm.allocate", hex(AllocateRequestProto.newBuilder().addAsk(ask).addRelease(rel)
        .setResponseId(6).setProgress(0.5f).build().toByteArray()));
    p("amrm.finish", hex(FinishApplicationMasterRequestProto.newBuilder().setDiagnostics("done")
        .setTrackingUrl("").setFinalApplicationStatus(FinalApplicationStatusProto.APP_SUCCEEDED)
        .build().toByteArray()));


    // What a later attempt's registration carries under work-preserving AM
    // restart: a container of attempt 1 still running, its node's NM token,
    // and the fields the Go decoder skips (client-to-AM key, ACLs, types).
    NodeIdProto node = NodeIdProto.newBuilder().setHost("127.0.0.1").setPort(45454).build();
    ContainerIdProto prev = ((org.apache.hadoop.yarn.api.records.impl.pb.ContainerIdPBImpl)
        ContainerId.newContainerId(ApplicationAttemptId.newInstance(app, 1), (1L << 40) | 3)).getProto();
    p("amrm.register.response", hex(RegisterApplicationMasterResponseProto.newBuilder()
        .setMaximumCapability(ResourceProto.newBuilder().setMemory(8192).setVirtualCores(4))
        .setClientToAmTokenMasterKey(ByteString.copyFromUtf8("k"))
        .addApplicationACLs(ApplicationACLMapProto.newBuilder()
            .setAccessType(ApplicationAccessTypeProto.APPACCESS_VIEW_APP).setAcl("alice"))
        .addContainersFromPreviousAttempts(ContainerProto.newBuilder().setId(prev).setNodeId(node)
            .setNodeHttpAddress("127.0.0.1:8042")
            .setResource(ResourceProto.newBuilder().setMemory(256).setVirtualCores(1))
            .setPriority(PriorityProto.newBuilder().setPriority(1))
            .setContainerToken(TokenProto.newBuilder().setIdentifier(ByteString.copyFromUtf8("ctid"))
                .setPassword(ByteString.copyFromUtf8("ctpw")).setKind("ContainerToken").setService("127.0.0.1:45454")))
        .setQueue("root.default")
        .addNmTokensFromPreviousAttempts(NMTokenProto.newBuilder().setNodeId(node)
            .setToken(TokenProto.newBuilder().setIdentifier(ByteString.copyFromUtf8("nmid"))
                .setPassword(ByteString.copyFromUtf8("nmpw")).setKind("NMToken").setService("127.0.0.1:45454")))
        .addSchedulerResourceTypes(SchedulerResourceTypes.MEMORY)
        .addSchedulerResourceTypes(SchedulerResourceTypes.CPU)
        .build().toByteArray()));

    TokenProto ct = TokenProto.newBuilder().setIdentifier(ByteString.copyFromUtf8("cid"))
        .setPassword(ByteString.copyFromUtf8("cpw")).setKind("ContainerToken").setService("127.0.0.1:45454").build();
    ContainerLaunchContextProto clc = ContainerLaunchContextProto.newBuilder()
        .addLocalResources(StringLocalResourceMapProto.newBuilder().setKey("mlctl")
            .setValue(LocalResourceProto.newBuilder()
                .setResource(URLProto.newBuilder().setScheme("hdfs").setHost("127.0.0.1").setPort(8020)
                    .setFile("/user/alice/.mlctl/mlctl"))
                .setSize(5000000).setTimestamp(1700000000123L)
                .setType(LocalResourceTypeProto.FILE).setVisibility(LocalResourceVisibilityProto.APPLICATION)))
        .setTokens(ByteString.copyFromUtf8("HDTS"))
        .addEnvironment(StringStringMapProto.newBuilder().setKey("A").setValue("b"))
        .addCommand("./mlctl engine node 1>out 2>err").build();
    p("nm.start", hex(StartContainersRequestProto.newBuilder().addStartContainerRequest(
        StartContainerRequestProto.newBuilder().setContainerLaunchContext(clc).setContainerToken(ct))
        .build().toByteArray()));
  }
}

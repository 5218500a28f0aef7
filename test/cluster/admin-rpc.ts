// The server-internal AdminService.DescribeCluster, called over plain gRPC (node:http2): how the
// cluster tests see that both nodes joined one membership ring per service.
import { connect as http2Connect } from 'node:http2';

/** Each service ring as one node sees it (AdminService.DescribeCluster): role → member identities (grpc host:port). */
export type RingView = Record<string, string[]>;

/**
 * Calls the server-internal AdminService.DescribeCluster on a frontend and returns its view of
 * the membership rings. The admin API's protos are not in the TypeScript SDK, so this is a
 * plain gRPC call over node:http2 with the few response fields decoded by hand.
 */
export async function describeRings(address: string, timeoutMs = 5_000): Promise<RingView> {
  const body = await grpcUnary(address, '/temporal.server.api.adminservice.v1.AdminService/DescribeCluster', Buffer.alloc(0), timeoutMs);
  const rings: RingView = {};
  for (const [field, membership] of protoFields(body)) {
    if (field !== 3 || !Buffer.isBuffer(membership)) continue; // membership_info
    for (const [ringField, ring] of protoFields(membership)) {
      if (ringField !== 3 || !Buffer.isBuffer(ring)) continue; // rings
      let role = '';
      const members: string[] = [];
      for (const [f, v] of protoFields(ring)) {
        if (f === 1 && Buffer.isBuffer(v)) role = v.toString('utf8');
        if (f === 3 && Buffer.isBuffer(v)) {
          for (const [hf, hv] of protoFields(v)) if (hf === 1 && Buffer.isBuffer(hv)) members.push(hv.toString('utf8'));
        }
      }
      rings[role] = members.sort();
    }
  }
  return rings;
}

function grpcUnary(address: string, path: string, message: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const session = http2Connect(`http://${address}`);
    const timer = setTimeout(() => {
      session.destroy();
      reject(new Error(`${path} on ${address}: timed out`));
    }, timeoutMs);
    const done = (error?: Error, value?: Buffer) => {
      clearTimeout(timer);
      session.close();
      if (error) reject(error);
      else resolve(value!);
    };
    session.once('error', (error) => done(error));
    const frame = Buffer.alloc(5 + message.length);
    frame.writeUInt32BE(message.length, 1);
    message.copy(frame, 5);
    const req = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers' });
    const chunks: Buffer[] = [];
    let status: string | undefined;
    let statusMessage = '';
    req.on('response', (headers) => {
      if (headers['grpc-status'] !== undefined) status = String(headers['grpc-status']);
    });
    req.on('trailers', (trailers) => {
      status = String(trailers['grpc-status'] ?? status);
      statusMessage = decodeURIComponent(String(trailers['grpc-message'] ?? ''));
    });
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', (error) => done(error));
    req.on('end', () => {
      if (status !== '0') return done(new Error(`${path} on ${address}: grpc-status ${status} ${statusMessage}`));
      const data = Buffer.concat(chunks);
      if (data.length < 5) return done(new Error(`${path} on ${address}: empty response`));
      done(undefined, data.subarray(5, 5 + data.readUInt32BE(1)));
    });
    req.end(frame);
  });
}

/** The top-level fields of a protobuf message: [field number, varint value | bytes]. */
function protoFields(buf: Buffer): Array<[number, bigint | Buffer]> {
  const fields: Array<[number, bigint | Buffer]> = [];
  let pos = 0;
  const varint = () => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const byte = buf[pos++];
      if (byte === undefined) throw new Error('truncated protobuf');
      result |= BigInt(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return result;
      shift += 7n;
    }
  };
  while (pos < buf.length) {
    const key = Number(varint());
    const field = key >>> 3;
    switch (key & 7) {
      case 0:
        fields.push([field, varint()]);
        break;
      case 1:
        pos += 8;
        break;
      case 2: {
        const length = Number(varint());
        fields.push([field, buf.subarray(pos, pos + length)]);
        pos += length;
        break;
      }
      case 5:
        pos += 4;
        break;
      default:
        throw new Error(`unsupported protobuf wire type ${key & 7}`);
    }
  }
  return fields;
}

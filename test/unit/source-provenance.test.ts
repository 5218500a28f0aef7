// The pure provenance rules (domain/source-provenance.ts) that the API, the source activity, the
// build activity and the ECR activity apply: which refs are commits, which compare statuses mean
// "contained", which build runs and which image digests are accepted.
import { describe, expect, it } from 'vitest';
import {
  commitNotInRepositoryMessage,
  digestMismatchMessage,
  imageByDigest,
  isCommitRef,
  refContainsCommit,
  runRevisionRefusal,
} from '../../domain/source-provenance.js';

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const OTHER = 'ffffffffffffffffffffffffffffffffffffffff';
const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('source provenance rules', () => {
  it('a ref is a commit when it is hex (7 to 40) and a prefix of what GitHub resolved it to', () => {
    expect(isCommitRef(SHA, SHA)).toBe(true);
    expect(isCommitRef(SHA.slice(0, 7).toUpperCase(), SHA)).toBe(true);
    expect(isCommitRef(SHA.slice(0, 6), SHA)).toBe(false); // too short to be a SHA GitHub resolves
    expect(isCommitRef('main', SHA)).toBe(false);
    // A branch named like hex that resolved to another commit is a branch, not a SHA.
    expect(isCommitRef('deadbeef', SHA)).toBe(false);
  });

  it('base=ref, head=commit: only identical and behind mean the ref contains the commit', () => {
    expect(refContainsCommit('identical')).toBe(true);
    expect(refContainsCommit('behind')).toBe(true);
    expect(refContainsCommit('ahead')).toBe(false);
    expect(refContainsCommit('diverged')).toBe(false);
    expect(refContainsCommit('')).toBe(false);
  });

  it('the refusal names the commit, the branch, the repository and the rule', () => {
    expect(commitNotInRepositoryMessage({ sha: SHA, owner: 'o', repo: 'r', branch: 'main', tagsChecked: 2 })).toBe(
      'Commit a1b2c3d4e5f6 is not on branch main of o/r nor in any of its 2 newest tags: only commits reachable from the ' +
        "deployment's branch or a tag of the connected repository are deployed (GitHub also serves commits pushed to forks, which are refused)",
    );
    expect(commitNotInRepositoryMessage({ sha: SHA, owner: 'o', repo: 'r', branch: 'main', tagsChecked: 0 })).toContain(
      'and the repository has no tags',
    );
  });

  it("a branch or tag build's run must have run the resolved commit itself", () => {
    expect(runRevisionRefusal({ expectedSha: SHA, headSha: SHA, isCommit: false, runId: 7 })).toBeUndefined();
    expect(runRevisionRefusal({ expectedSha: SHA, headSha: OTHER, isCommit: false, runId: 7 })).toBe(
      'GitHub Actions run 7 built ffffffffffff, not the resolved commit a1b2c3d4e5f6 (the ref moved between resolving and dispatching): its image is not deployed; deploy again',
    );
  });

  it("a commit build's run (on a branch, checking out the commit) must run on a head that contains the commit", () => {
    expect(runRevisionRefusal({ expectedSha: SHA, headSha: OTHER, isCommit: true, headContainsCommit: true, runId: 7 })).toBeUndefined();
    expect(runRevisionRefusal({ expectedSha: SHA, headSha: OTHER, isCommit: true, headContainsCommit: false, runId: 7 })).toBe(
      'GitHub Actions run 7 ran on ffffffffffff, which does not contain commit a1b2c3d4e5f6: its image is not deployed',
    );
  });

  it('names an image by digest, and refuses anything that is not a sha256 digest', () => {
    expect(imageByDigest('1.dkr.ecr.r.amazonaws.com/app', DIGEST)).toBe(`1.dkr.ecr.r.amazonaws.com/app@${DIGEST}`);
    expect(() => imageByDigest('1.dkr.ecr.r.amazonaws.com/app', 'latest')).toThrow('Not an image digest');
    expect(() => imageByDigest('1.dkr.ecr.r.amazonaws.com/app', 'sha256:abc')).toThrow('Not an image digest');
  });

  it('refuses an ECR digest other than the one the build reported', () => {
    expect(digestMismatchMessage({ repository: 'app', imageTag: 't', reported: DIGEST, inEcr: DIGEST })).toBeUndefined();
    const other = `sha256:${'cd'.repeat(32)}`;
    expect(digestMismatchMessage({ repository: 'app', imageTag: 't', reported: DIGEST, inEcr: other })).toBe(
      `Image app:t in ECR is ${other}, but the build pushed ${DIGEST}: the tag was moved to other content after the build, and is not deployed`,
    );
  });
});

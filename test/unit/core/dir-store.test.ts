import { DirRelayStore } from "../../../core/relay/dir-store.js";
import { relayStoreContract } from "../../helpers/relay-store-contract.js";
import { tempDir } from "../../helpers/temp-dir.js";

relayStoreContract("dir store", async (t) => new DirRelayStore(await tempDir(t)));

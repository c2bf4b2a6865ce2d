#!/bin/bash
#
# devstack/plugin.sh - DevStack plugin for nova-lite, a Nova-compatible
# compute control plane. It lays the deployment out the way the project's
# README does: an API database, cell0 and cell1 databases, a RabbitMQ vhost
# for the API level and one for cell1, and five daemons (API under uwsgi,
# super-conductor, scheduler, cell1 conductor, compute).
#
# Phases:
#   stack install      install the project (and uwsgi) from $NOVA_LITE_DIR
#   stack post-config  write the configuration files, the Keystone service
#                      user and endpoint, the databases, the vhosts and the
#                      cells (nova-manage)
#   stack extra        start the daemons, map the compute host
#   unstack            stop the daemons
#   clean              drop the databases, remove the state directory

# Save trace setting
_XTRACE_NOVA_LITE=$(set +o | grep xtrace)
set +o xtrace

NOVA_LITE_SERVICES=(nl-api nl-super-cond nl-sch nl-cell1-cond nl-cpu)
NOVA_LITE_BIN_DIR=$(get_python_exec_prefix)
if [[ "$NOVA_LITE_COMPUTE_DRIVER" == "libvirt" ]]; then
    # shellcheck source=/dev/null
    source "$TOP_DIR/lib/nova_plugins/functions-libvirt"
fi


function nova_lite_manage {
    "$NOVA_LITE_BIN_DIR/nova-manage" --config-file "$NOVA_LITE_CONF" "$@"
}

# install_nova_lite - the project and its requirements, uwsgi for the API,
# libvirt for a libvirt compute
function install_nova_lite {
    setup_develop "$NOVA_LITE_DIR"
    if is_service_enabled nl-api; then
        pip_install uwsgi
    fi
    if is_service_enabled nl-cpu && [[ "$NOVA_LITE_COMPUTE_DRIVER" == "libvirt" ]]; then
        install_libvirt
    fi
}

# _nova_lite_configure_image_service <conf> - where images come from: Glance
# with the nova service user's credentials when Glance runs, else the local
# store that nova-api serves under /image
function _nova_lite_configure_image_service {
    local conf=$1
    if is_service_enabled g-api; then
        iniset "$conf" image backend glance
        iniset "$conf" glance auth_type password
        iniset "$conf" glance auth_url "$KEYSTONE_SERVICE_URI"
        iniset "$conf" glance username nova
        iniset "$conf" glance password "$SERVICE_PASSWORD"
        iniset "$conf" glance user_domain_name "$SERVICE_DOMAIN_NAME"
        iniset "$conf" glance project_name "$SERVICE_PROJECT_NAME"
        iniset "$conf" glance project_domain_name "$SERVICE_DOMAIN_NAME"
        iniset "$conf" glance region_name "$REGION_NAME"
    else
        iniset "$conf" image backend local
    fi
}

# _nova_lite_write_top_conf - nova.conf: nova-api, the super-conductor and
# the scheduler; [database] is cell0, where the latter two keep their
# service records
function _nova_lite_write_top_conf {
    local conf=$NOVA_LITE_CONF
    rm -f "$conf"
    iniset "$conf" DEFAULT debug "$ENABLE_DEBUG_LOG_LEVEL"
    iniset "$conf" DEFAULT state_path "$NOVA_LITE_STATE_PATH"
    iniset "$conf" DEFAULT transport_url "$(get_transport_url "$NOVA_LITE_API_VHOST")"
    iniset "$conf" DEFAULT osapi_compute_listen "$NOVA_LITE_LISTEN_ADDRESS"
    iniset "$conf" DEFAULT osapi_compute_listen_port "$NOVA_LITE_SERVICE_PORT"
    iniset "$conf" api_database connection "$(database_connection_url "$NOVA_LITE_API_DB")"
    iniset "$conf" database connection "$(database_connection_url "$NOVA_LITE_CELL0_DB")"
    if is_service_enabled keystone; then
        iniset "$conf" api auth_strategy keystone
        configure_keystone_authtoken_middleware "$conf" nova
    else
        iniset "$conf" api auth_strategy noauth2
        # A devstack without keystone is a development cloud: let noauth2
        # callers reach nova-api on NOVA_LITE_LISTEN_ADDRESS.
        iniset "$conf" api noauth2_allow_remote True
    fi
    _nova_lite_configure_image_service "$conf"
}

# _nova_lite_write_cell1_conf - nova-cell1.conf: the cell1 conductor, with
# cell1's database and queue and the API database (the resource ledger)
function _nova_lite_write_cell1_conf {
    local conf=$NOVA_LITE_CELL1_CONF
    rm -f "$conf"
    iniset "$conf" DEFAULT debug "$ENABLE_DEBUG_LOG_LEVEL"
    iniset "$conf" DEFAULT state_path "$NOVA_LITE_STATE_PATH"
    iniset "$conf" DEFAULT transport_url "$(get_transport_url "$NOVA_LITE_CELL1_VHOST")"
    iniset "$conf" api_database connection "$(database_connection_url "$NOVA_LITE_API_DB")"
    iniset "$conf" database connection "$(database_connection_url "$NOVA_LITE_CELL1_DB")"
}

# _nova_lite_write_compute_conf - nova-compute.conf: cell1's queue only, no
# database credentials
function _nova_lite_write_compute_conf {
    local conf=$NOVA_LITE_COMPUTE_CONF
    rm -f "$conf"
    iniset "$conf" DEFAULT debug "$ENABLE_DEBUG_LOG_LEVEL"
    iniset "$conf" DEFAULT state_path "$NOVA_LITE_STATE_PATH"
    iniset "$conf" DEFAULT transport_url "$(get_transport_url "$NOVA_LITE_CELL1_VHOST")"
    iniset "$conf" DEFAULT host "$NOVA_LITE_COMPUTE_HOST"
    iniset "$conf" DEFAULT compute_driver "$NOVA_LITE_COMPUTE_DRIVER"
    if [[ "$NOVA_LITE_COMPUTE_DRIVER" == "libvirt" ]]; then
        iniset "$conf" libvirt virt_type "$LIBVIRT_TYPE"
        _nova_lite_configure_image_service "$conf"
    fi
}

# _nova_lite_write_uwsgi_conf - the project's uwsgi ini, listening where
# the compute endpoint says
function _nova_lite_write_uwsgi_conf {
    cp "$NOVA_LITE_DIR/etc/uwsgi/nova-api.ini" "$NOVA_LITE_UWSGI_CONF"
    iniset "$NOVA_LITE_UWSGI_CONF" uwsgi http-socket "$NOVA_LITE_LISTEN_ADDRESS:$NOVA_LITE_SERVICE_PORT"
    iniset "$NOVA_LITE_UWSGI_CONF" uwsgi env "OS_NOVA_CONFIG_FILES=$NOVA_LITE_CONF"
}

# configure_nova_lite - configuration files and the state directory
function configure_nova_lite {
    sudo install -d -o "$STACK_USER" "$NOVA_LITE_CONF_DIR" "$NOVA_LITE_STATE_PATH"
    if is_service_enabled nl-api nl-super-cond nl-sch; then
        _nova_lite_write_top_conf
    fi
    if is_service_enabled nl-api; then
        _nova_lite_write_uwsgi_conf
    fi
    if is_service_enabled nl-cell1-cond; then
        _nova_lite_write_cell1_conf
    fi
    if is_service_enabled nl-cpu; then
        _nova_lite_write_compute_conf
        if [[ "$NOVA_LITE_COMPUTE_DRIVER" == "libvirt" ]]; then
            configure_libvirt
        fi
    fi
}

# create_nova_lite_accounts - the nova service user and the compute endpoint
function create_nova_lite_accounts {
    create_service_user nova admin
    get_or_create_service nova compute "Compute Service (nova-lite)"
    get_or_create_endpoint compute "$REGION_NAME" \
        "$NOVA_LITE_SERVICE_PROTOCOL://$NOVA_LITE_SERVICE_HOST:$NOVA_LITE_SERVICE_PORT/v2.1"
}

# init_nova_lite - fresh databases and vhosts, the schemas, cell0 and cell1
function init_nova_lite {
    local db
    for db in "$NOVA_LITE_API_DB" "$NOVA_LITE_CELL0_DB" "$NOVA_LITE_CELL1_DB"; do
        recreate_database "$db"
    done
    # rabbitmqctl add_vhost and set_permissions for the RabbitMQ user
    rpc_backend_add_vhost "$NOVA_LITE_API_VHOST"
    rpc_backend_add_vhost "$NOVA_LITE_CELL1_VHOST"

    nova_lite_manage api_db sync
    nova_lite_manage cell_v2 map_cell0 \
        --database_connection "$(database_connection_url "$NOVA_LITE_CELL0_DB")"
    nova_lite_manage cell_v2 create_cell --name cell1 \
        --database_connection "$(database_connection_url "$NOVA_LITE_CELL1_DB")" \
        --transport-url "$(get_transport_url "$NOVA_LITE_CELL1_VHOST")"
    nova_lite_manage db sync
}

# start_nova_lite - every enabled daemon (run_process skips disabled ones)
function start_nova_lite {
    run_process nl-api "$NOVA_LITE_BIN_DIR/uwsgi --ini $NOVA_LITE_UWSGI_CONF"
    run_process nl-super-cond "$NOVA_LITE_BIN_DIR/nova-conductor --config-file $NOVA_LITE_CONF"
    run_process nl-sch "$NOVA_LITE_BIN_DIR/nova-scheduler --config-file $NOVA_LITE_CONF"
    run_process nl-cell1-cond "$NOVA_LITE_BIN_DIR/nova-conductor --config-file $NOVA_LITE_CELL1_CONF"
    if [[ "$NOVA_LITE_COMPUTE_DRIVER" == "libvirt" ]]; then
        run_process nl-cpu "$NOVA_LITE_BIN_DIR/nova-compute --config-file $NOVA_LITE_COMPUTE_CONF" \
            "${LIBVIRT_GROUP:-libvirt}"
    else
        run_process nl-cpu "$NOVA_LITE_BIN_DIR/nova-compute --config-file $NOVA_LITE_COMPUTE_CONF"
    fi
    if is_service_enabled nl-api; then
        wait_for_service "$SERVICE_TIMEOUT" \
            "$NOVA_LITE_SERVICE_PROTOCOL://$NOVA_LITE_SERVICE_HOST:$NOVA_LITE_SERVICE_PORT/"
    fi
}

# discover_nova_lite_hosts - map the compute host into cell1 once its
# service record is there (it registers through the cell1 conductor)
function discover_nova_lite_hosts {
    local waited=0
    until nova_lite_manage cell_v2 list_hosts | grep -qw -- "$NOVA_LITE_COMPUTE_HOST"; do
        if (( waited >= NOVA_LITE_DISCOVER_TIMEOUT )); then
            die $LINENO "nova-compute on $NOVA_LITE_COMPUTE_HOST was not mapped within ${NOVA_LITE_DISCOVER_TIMEOUT}s"
        fi
        # Exit code 2 means a concurrent mapping: the next round retries.
        nova_lite_manage cell_v2 discover_hosts --verbose || true
        sleep 2
        waited=$((waited + 2))
    done
}

# stop_nova_lite - every daemon (stop_process skips disabled ones)
function stop_nova_lite {
    local service
    for service in "${NOVA_LITE_SERVICES[@]}"; do
        stop_process "$service"
    done
}

# _nova_lite_drop_database <name>
function _nova_lite_drop_database {
    local db=$1
    case "$DATABASE_TYPE" in
        mysql)
            mysql -u"$DATABASE_USER" --password="$DATABASE_PASSWORD" -h"$DATABASE_HOST" \
                -e "DROP DATABASE IF EXISTS $db;"
            ;;
        postgresql)
            dropdb -h"$DATABASE_HOST" -U"$DATABASE_USER" --if-exists "$db"
            ;;
    esac
}

# cleanup_nova_lite - the databases (when their server still answers) and
# the state directory
function cleanup_nova_lite {
    local db
    if is_service_enabled nl-api; then
        for db in "$NOVA_LITE_API_DB" "$NOVA_LITE_CELL0_DB" "$NOVA_LITE_CELL1_DB"; do
            _nova_lite_drop_database "$db" || warn $LINENO "could not drop database $db"
        done
    fi
    sudo rm -rf "$NOVA_LITE_STATE_PATH"
}


if is_service_enabled "${NOVA_LITE_SERVICES[@]}"; then
    if [[ "$1" == "stack" && "$2" == "install" ]]; then
        echo_summary "Installing nova-lite"
        install_nova_lite

    elif [[ "$1" == "stack" && "$2" == "post-config" ]]; then
        echo_summary "Configuring nova-lite"
        configure_nova_lite
        if is_service_enabled nl-api; then
            if is_service_enabled keystone; then
                create_nova_lite_accounts
            fi
            init_nova_lite
        fi

    elif [[ "$1" == "stack" && "$2" == "extra" ]]; then
        echo_summary "Starting nova-lite"
        start_nova_lite
        if is_service_enabled nl-api && is_service_enabled nl-cpu; then
            discover_nova_lite_hosts
        fi
    fi

    if [[ "$1" == "unstack" ]]; then
        stop_nova_lite
    fi

    if [[ "$1" == "clean" ]]; then
        cleanup_nova_lite
    fi
fi

# Restore xtrace
$_XTRACE_NOVA_LITE
